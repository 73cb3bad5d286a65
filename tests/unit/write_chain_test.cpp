// The verification chain of a write run (docs/write-jobs.md): after-jobs and commands.verify both
// run, one outcome per run, and the audit events it leaves.
#include "engine/write_chain.hpp"

#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

Job verified_write(AfterWhen when = AfterWhen::success) {
  Job w = write_job("w", "v");
  w.after[0].when = when;
  w.commands.verify = {"check-applied"};
  return w;
}

}  // namespace

TEST_CASE("commands.verify runs after the write, beside the after-jobs", "[engine][writes]") {
  Engine e = running_write(verified_write());
  const Actions a = e.on_one_shot_finished("w", "", 0, "applied", kT0 + seconds(2)).actions;
  const auto runs = only<LaunchOneShot>(a);
  REQUIRE(runs.size() == 2);
  CHECK_FALSE(item_of(runs, "v").empty());
  int verify_runs = 0;
  for (const auto& r : runs) verify_runs += r.job_id == "w" && r.verify && r.queue_item_id.empty();
  CHECK(verify_runs == 1);
  REQUIRE(only<Notify>(a).size() == 1);
  CHECK_FALSE(only<Notify>(a)[0].alert);
  CHECK(only<Notify>(a)[0].section.info == "等待验证: v, commands.verify");
  // While its verify command runs the write job cannot be run again.
  CHECK(e.request_run("w", kT0 + seconds(3), 1000).error->code == Refusal::already_running);
}

TEST_CASE("the chain is verified only when every verification passed", "[engine][writes]") {
  std::vector<AuditEvent> trail;  // audit events of the calls below
  Engine e = running_write(verified_write());
  const auto runs =
      only<LaunchOneShot>(keep(trail, e.on_one_shot_finished("w", "", 0, "", kT0 + 1000)).actions);
  REQUIRE(runs.size() == 2);
  Actions a = keep(trail, e.on_verify_finished("w", 0, "looks right", kT0 + 2000)).actions;
  CHECK(only<Notify>(a).empty());  // v has not reported yet
  a = keep(trail, e.on_one_shot_finished("v", item_of(runs, "v"), 0, "ok", kT0 + 3000)).actions;
  REQUIRE(only<Notify>(a).size() == 1);
  CHECK_FALSE(only<Notify>(a)[0].alert);
  CHECK(only<Notify>(a)[0].section.job_id == "w");
  CHECK(only<Notify>(a)[0].section.state == "✅ verified (v, commands.verify)");
  const auto chain = events_named(std::exchange(trail, {}), "chain");
  REQUIRE(chain.size() == 1);
  CHECK(chain[0].note == "verified");
  CHECK(chain[0].uid == 1000);
  CHECK(chain[0].exit_code == 0);
}

TEST_CASE("a failing commands.verify fails the chain with an alert", "[engine][writes]") {
  Engine e = running_write(verified_write());
  const auto runs = only<LaunchOneShot>(e.on_one_shot_finished("w", "", 0, "", kT0 + 1000).actions);
  REQUIRE(runs.size() == 2);
  (void)e.on_one_shot_finished("v", item_of(runs, "v"), 0, "ok", kT0 + 2000);
  const Actions a = e.on_verify_finished("w", 4, "row count differs", kT0 + 3000).actions;
  REQUIRE(alerts(a).size() == 1);
  const ReportSection s = alerts(a)[0].section;
  CHECK(s.state == "❌ verification failed (v ✅, commands.verify ❌ exit=4)");
  CHECK(s.info == "commands.verify: row count differs");
  CHECK_FALSE(s.action_required.empty());
  // The write job is free again once its verification ended.
  CHECK(e.request_run("w", kT0 + 4000, 1000).error->code == Refusal::approval_required);
}

TEST_CASE("ALERT in a verification's output fails it even with exit 0", "[engine][writes]") {
  Engine e = running_write(write_job("w", "v"));
  const auto runs = only<LaunchOneShot>(e.on_one_shot_finished("w", "", 0, "", kT0 + 1000).actions);
  REQUIRE(runs.size() == 1);
  const Actions a =
      e.on_one_shot_finished("v", item_of(runs, "v"), 0, "ALERT: drift", kT0 + 2).actions;
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.state == "❌ verification failed (v ❌ exit=0)");
}

TEST_CASE("a failed write alerts at once; when:always verification still runs",
          "[engine][writes]") {
  std::vector<AuditEvent> trail;  // audit events of the calls below
  Engine e = running_write(verified_write(AfterWhen::always));
  Actions a =
      keep(trail, e.on_one_shot_finished("w", "", 3, "permission denied", kT0 + 1000)).actions;
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.state == "❌ write failed (exit=3)");
  CHECK(alerts(a)[0].section.info == "permission denied");
  CHECK(alerts(a)[0].section.action_required.find("v, commands.verify") != std::string::npos);
  const auto runs = only<LaunchOneShot>(a);
  REQUIRE(runs.size() == 2);

  SECTION("verifications that pass end the chain with a silent summary") {
    keep(trail, e.on_verify_finished("w", 0, "", kT0 + 2000));
    a = keep(trail, e.on_one_shot_finished("v", item_of(runs, "v"), 0, "", kT0 + 3000)).actions;
    REQUIRE(only<Notify>(a).size() == 1);
    CHECK_FALSE(only<Notify>(a)[0].alert);
    CHECK(only<Notify>(a)[0].section.state == "❌ write failed (exit=3)");
    CHECK(only<Notify>(a)[0].section.info == "验证: v ✅, commands.verify ✅");
  }
  SECTION("a failing verification rings again") {
    keep(trail, e.on_verify_finished("w", 0, "", kT0 + 2000));
    a = keep(trail, e.on_one_shot_finished("v", item_of(runs, "v"), 1, "half applied", kT0 + 3000))
            .actions;
    REQUIRE(alerts(a).size() == 1);
    CHECK(alerts(a)[0].section.info == "验证: v ❌ exit=1, commands.verify ✅");
  }
  const auto chain = events_named(std::exchange(trail, {}), "chain");
  REQUIRE(chain.size() == 1);
  CHECK(chain[0].note == "write_failed");
  CHECK(chain[0].exit_code == 3);
}

TEST_CASE("a failed write with only when:success verification is not verified",
          "[engine][writes]") {
  Engine e = running_write(write_job("w", "v"));
  const Actions a = e.on_one_shot_finished("w", "", 1, "", kT0 + 1000).actions;
  CHECK(only<LaunchOneShot>(a).empty());
  REQUIRE(only<Notify>(a).size() == 1);  // the write-failed alert, not a second summary
  CHECK(only<Notify>(a)[0].alert);
}

TEST_CASE("audit: write exit and verification carry uid, exit, duration, output",
          "[engine][writes]") {
  std::vector<AuditEvent> trail;  // audit events of the calls below
  Engine e = running_write(verified_write());
  const auto runs = only<LaunchOneShot>(
      keep(trail, e.on_one_shot_finished("w", "", 0, "wrote 3 rows\n", kT0 + seconds(7))).actions);
  REQUIRE(runs.size() == 2);
  keep(trail, e.on_verify_finished("w", 0, "3 rows present", kT0 + seconds(9)));
  const auto audit = std::exchange(trail, {});
  const auto exits = events_named(audit, "write_exit");
  REQUIRE(exits.size() == 1);
  CHECK(exits[0].uid == 1000);
  CHECK(exits[0].exit_code == 0);
  CHECK(exits[0].duration_ms == seconds(7));
  CHECK(exits[0].output_tail == "wrote 3 rows");
  CHECK(exits[0].fingerprint == e.fingerprint(*e.config().find("w")));
  const auto verifies = events_named(audit, "verify");
  REQUIRE(verifies.size() == 1);
  CHECK(verifies[0].verification == "commands.verify");
  CHECK(verifies[0].uid == 1000);
  CHECK(verifies[0].exit_code == 0);
  CHECK(verifies[0].duration_ms == seconds(2));
  CHECK(verifies[0].note == "verified");
  CHECK(verifies[0].output_tail == "3 rows present");
}

TEST_CASE("a verification dropped by a reload fails the chain instead of hanging",
          "[engine][writes]") {
  Engine e = running_write(write_job("w", "v", 600));
  (void)e.on_one_shot_finished("w", "", 0, "", kT0 + 1000);
  REQUIRE(e.state().queue.size() == 1);
  Job w = write_job("w", "v2", 600);
  const ReloadSummary reloaded = e.reload(config_of({w, read_job("v2")}), kT0 + 2000);
  REQUIRE(alerts(reloaded.actions).size() == 1);
  CHECK(alerts(reloaded.actions)[0].section.state == "❌ verification failed (v ❌ exit=-1)");
  CHECK(events_named(reloaded.audit, "chain").size() == 1);
}

TEST_CASE("the chain's verifications are tracked and summarised", "[writes]") {
  WriteChain c;
  CHECK(chain_outcome(c) == ChainOutcome::pending);
  c.write_exit = 0;
  CHECK(chain_outcome(c) == ChainOutcome::unverified);
  c.verifications.push_back(Verification{"v", "q-1", std::nullopt, false, ""});
  c.verifications.push_back(Verification{std::string(kVerifyCommand), "", std::nullopt, false, ""});
  CHECK(c.pending("q-1", "") == 0u);
  CHECK(c.pending("", kVerifyCommand) == 1u);
  CHECK_FALSE(c.pending("q-2", ""));
  CHECK(chain_outcome(c) == ChainOutcome::pending);
  CHECK(verification_summary(c) == "v …, commands.verify …");
  c.verifications[0].exit_code = 0;
  c.verifications[0].passed = true;
  c.verifications[1].exit_code = 2;
  CHECK_FALSE(c.pending("", kVerifyCommand));
  CHECK(chain_outcome(c) == ChainOutcome::verification_failed);
  c.verifications[1].passed = true;
  CHECK(chain_outcome(c) == ChainOutcome::verified);
  c.write_exit = 1;
  CHECK(chain_outcome(c) == ChainOutcome::write_failed);
}
