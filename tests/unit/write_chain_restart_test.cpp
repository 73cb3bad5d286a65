// A write run's verification chain across an opsd restart (docs/write-jobs.md,
// docs/persistence.md): the chain is in the persisted state, a new Engine built from that state (as
// the daemon does after SIGTERM or SIGKILL) finishes it, reports its outcome once, and never runs
// the write again.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "engine/write_chain.hpp"
#include "engine_fixture.hpp"
#include "state/state_codec.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

Job verified_write(std::int64_t delay_seconds) {
  Job w = write_job("w", "v", delay_seconds);
  w.commands.verify = {"check-applied"};
  return w;
}

// What a restart does: the state goes through the state file's encoding into a new Engine.
Engine restarted(const Engine& before, const Config& config) {
  const std::string text = boost::json::serialize(encode_state(before.state(), {}));
  Result<State> loaded = decode_state(boost::json::parse(text));
  REQUIRE(loaded);
  return Engine(config, std::move(*loaded));
}

int write_launches(const Actions& actions) {
  int n = 0;
  for (const auto& r : only<LaunchOneShot>(actions)) n += r.job_id == "w" && !r.verify;
  return n;
}

int verify_launches(const Actions& actions) {
  int n = 0;
  for (const auto& r : only<LaunchOneShot>(actions)) n += r.job_id == "w" && r.verify;
  return n;
}

}  // namespace

TEST_CASE("restart with the verification pending: it still runs and the chain is verified once",
          "[engine][chains]") {
  std::vector<AuditEvent> trail;  // audit events of the calls below
  const Config config = config_of({verified_write(30), read_job("v")});
  Engine before = running_write(config);
  const Actions ended =
      before.on_one_shot_finished("w", "", 0, "applied", kT0 + seconds(1)).actions;
  REQUIRE(verify_launches(ended) == 1);
  REQUIRE(before.state().write_chains.size() == 1);

  // The daemon stops while v waits for its delay and commands.verify runs.
  Engine after = restarted(before, config);
  Actions a = keep(trail, after.on_startup(kT0 + seconds(5))).actions;
  CHECK(write_launches(a) == 0);
  CHECK(verify_launches(a) == 1);  // commands.verify had not ended: it runs again
  CHECK(only<Notify>(a).empty());
  CHECK(after.next_deadline() == kT0 + seconds(31));  // v's delay, counted from the write's end

  a = keep(trail, after.on_verify_finished("w", 0, "looks right", kT0 + seconds(6))).actions;
  CHECK(only<Notify>(a).empty());  // v has not run yet
  a = keep(trail, after.on_timer(kT0 + seconds(31))).actions;
  const std::string v_item = item_of(a, "v");
  REQUIRE_FALSE(v_item.empty());
  CHECK(write_launches(a) == 0);
  a = keep(trail, after.on_one_shot_finished("v", v_item, 0, "ok", kT0 + seconds(32))).actions;
  REQUIRE(only<Notify>(a).size() == 1);
  CHECK_FALSE(only<Notify>(a)[0].alert);
  CHECK(only<Notify>(a)[0].section.state == "✅ verified (v, commands.verify)");
  CHECK(after.state().write_chains.empty());

  const auto audit = std::exchange(trail, {});
  const auto chain = events_named(audit, "chain");
  REQUIRE(chain.size() == 1);
  CHECK(chain[0].note == "verified");
  CHECK(chain[0].uid == 1000);  // the caller of the write, from before the restart
  CHECK(events_named(audit, "verify").size() == 2);
  CHECK(events_named(audit, "write_exit").empty());  // recorded before the restart

  // A second restart from the settled state reports nothing again.
  Engine again = restarted(after, config);
  a = again.on_startup(kT0 + seconds(40)).actions;
  CHECK(only<Notify>(a).empty());
  CHECK(only<LaunchOneShot>(a).empty());
}

TEST_CASE("restart while a verification item ran: it is queued again and settles the chain",
          "[engine][chains]") {
  const Config config = config_of({write_job("w", "v"), read_job("v")});
  Engine before = running_write(config);
  const Actions ended = before.on_one_shot_finished("w", "", 0, "", kT0 + seconds(1)).actions;
  const std::string v_item = item_of(ended, "v");
  REQUIRE_FALSE(v_item.empty());  // no delay: v started at once

  Engine after = restarted(before, config);
  Actions a = after.on_startup(kT0 + seconds(5)).actions;
  CHECK(item_of(a, "v") == v_item);
  CHECK(write_launches(a) == 0);
  a = after.on_one_shot_finished("v", v_item, 2, "row missing", kT0 + seconds(6)).actions;
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.state == "❌ verification failed (v ❌ exit=2)");
  CHECK(after.state().write_chains.empty());
}

TEST_CASE("restart while the write ran: its outcome is unknown, alerted, verified, never rerun",
          "[engine][chains]") {
  std::vector<AuditEvent> trail;  // audit events of the calls below
  const Config config = config_of({verified_write(30), read_job("v")});
  Engine before = running_write(config);  // the write is still running
  REQUIRE(before.state().write_chains.size() == 1);

  Engine after = restarted(before, config);
  Actions a = keep(trail, after.on_startup(kT0 + seconds(5))).actions;
  CHECK(write_launches(a) == 0);
  CHECK(verify_launches(a) == 1);
  REQUIRE(alerts(a).size() == 1);
  const ReportSection s = alerts(a)[0].section;
  CHECK(s.state == "❌ write outcome unknown");
  CHECK(s.info == "opsd restarted while the write ran; its outcome is unknown");
  CHECK(s.action_required.find("v, commands.verify") != std::string::npos);
  const auto exits = events_named(std::exchange(trail, {}), "write_exit");
  REQUIRE(exits.size() == 1);
  CHECK(exits[0].exit_code == -1);
  CHECK(exits[0].uid == 1000);
  CHECK(exits[0].note == s.info);

  // The one-time approval stays consumed: the write cannot run again without a new one.
  CHECK(keep(trail, after.request_run("w", kT0 + seconds(6), 1000)).error->code ==
        Refusal::already_running);
  keep(trail, after.on_verify_finished("w", 0, "", kT0 + seconds(7)));
  CHECK(keep(trail, after.request_run("w", kT0 + seconds(8), 1000)).error->code ==
        Refusal::approval_required);

  a = keep(trail, after.on_timer(kT0 + seconds(35))).actions;
  const std::string v_item = item_of(a, "v");
  REQUIRE_FALSE(v_item.empty());
  a = keep(trail, after.on_one_shot_finished("v", v_item, 0, "ok", kT0 + seconds(36))).actions;
  REQUIRE(only<Notify>(a).size() == 1);
  // The restart already rang; verifications that pass end the chain silently.
  CHECK_FALSE(only<Notify>(a)[0].alert);
  CHECK(only<Notify>(a)[0].section.state ==
        "❌ write outcome unknown (opsd restarted while the write ran; its outcome is unknown)");
  CHECK(only<Notify>(a)[0].section.info == "验证: v ✅, commands.verify ✅");
  const auto chain = events_named(std::exchange(trail, {}), "chain");
  REQUIRE(chain.size() == 1);
  CHECK(chain[0].note == "write_outcome_unknown");
  CHECK(chain[0].exit_code == -1);
  CHECK(after.state().write_chains.empty());
}

TEST_CASE("a restored chain whose write job left the config ends with the restart alert",
          "[engine][chains]") {
  std::vector<AuditEvent> trail;  // audit events of the calls below
  const Config config = config_of({verified_write(30), read_job("v")});
  Engine before = running_write(config);
  Engine after = restarted(before, config_of({read_job("v")}));
  const Actions a = keep(trail, after.on_startup(kT0 + seconds(5))).actions;
  CHECK(only<LaunchOneShot>(a).empty());
  REQUIRE(only<Notify>(a).size() == 1);
  CHECK(only<Notify>(a)[0].alert);
  CHECK(only<Notify>(a)[0].section.job_id == "w");
  CHECK(after.state().write_chains.empty());
  CHECK(events_named(std::exchange(trail, {}), "chain").size() == 1);
}
