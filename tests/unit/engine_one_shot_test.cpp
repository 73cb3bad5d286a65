// Engine behaviour for one-shot jobs: direct runs, the queue, after-chains, write approvals and
// the verification chain (docs/engine.md, docs/write-jobs.md).
#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "engine/job_report.hpp"
#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

const TimeMs kHour = seconds(3600);

Engine write_rig(std::int64_t delay_seconds = 0) {
  return Engine(config_of({write_job("w", "v", delay_seconds), read_job("v")}), State{});
}

bool has_event(const std::vector<AuditEvent>& events, const std::string& name) {
  for (const auto& e : events)
    if (e.event == name) return true;
  return false;
}

}  // namespace

TEST_CASE("a one-shot read reports ACTION REQUIRED / ALERT output and non-zero exits", "[engine]") {
  Engine e(config_of({read_job("r")}), State{});
  Outcome o = e.request_run("r", kT0);
  REQUIRE(o.ok());
  REQUIRE(only<LaunchOneShot>(o.actions).size() == 1);
  CHECK(only<LaunchOneShot>(o.actions)[0].queue_item_id.empty());
  CHECK(e.request_run("r", kT0).error->code == Refusal::already_running);
  CHECK(only<Notify>(e.on_one_shot_finished("r", "", 0, "all good\n", kT0 + 1).actions).empty());

  REQUIRE(e.request_run("r", kT0 + 2).ok());
  Actions a = e.on_one_shot_finished("r", "", 0, "ACTION REQUIRED: rotate keys\n", kT0 + 3).actions;
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.info == "ACTION REQUIRED: rotate keys");

  REQUIRE(e.request_run("r", kT0 + 4).ok());
  a = e.on_one_shot_finished("r", "", 2, "boom", kT0 + 5).actions;
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.state == "failed (exit=2) in 0.0s");
}

TEST_CASE("a long one-shot output is reported by its end, where the ALERT line is", "[engine]") {
  Engine e(config_of({read_job("r")}), State{});
  REQUIRE(e.request_run("r", kT0).ok());
  std::string output;
  for (int i = 0; i < 100; ++i) output += "checked host-" + std::to_string(i) + ": ok\n";
  output += "ALERT: disk /srv 97% full\n";
  Actions a = e.on_one_shot_finished("r", "", 0, output, kT0 + 1).actions;
  REQUIRE(alerts(a).size() == 1);
  const std::string info = alerts(a)[0].section.info;
  CHECK(info.size() <= kMaxOutputInReport + std::string("…").size());
  CHECK(info.rfind("…", 0) == 0);  // says it was cut
  CHECK(info.size() >= std::string("ALERT: disk /srv 97% full").size());
  CHECK(info.substr(info.size() - 25) == "ALERT: disk /srv 97% full");
}

TEST_CASE("enqueued read jobs run one at a time after their notBefore", "[engine]") {
  Engine e(config_of({read_job("r1"), read_job("r2")}), State{});
  Outcome o1 = e.request_enqueue("r1", kT0 + seconds(60), "opsctl", kT0);
  REQUIRE(o1.ok());
  CHECK(o1.actions.empty());
  Outcome o2 = e.request_enqueue("r2", 0, "opsctl", kT0);
  REQUIRE(o2.ok());
  REQUIRE(only<LaunchOneShot>(o2.actions).size() == 1);
  const std::string item = only<LaunchOneShot>(o2.actions)[0].queue_item_id;
  CHECK_FALSE(item.empty());
  CHECK(only<LaunchOneShot>(e.on_timer(kT0 + seconds(60)).actions).empty());  // r2 still runs
  const Actions a = e.on_one_shot_finished("r2", item, 0, "", kT0 + seconds(61)).actions;
  REQUIRE(only<LaunchOneShot>(a).size() == 1);
  CHECK(only<LaunchOneShot>(a)[0].job_id == "r1");
  CHECK(e.state().queue[1].status == QueueStatus::done);
  CHECK(e.state().queue[1].exit_code == 0);
}

TEST_CASE("the queue refuses write jobs and long-running jobs", "[engine]") {
  Engine e(config_of({write_job("w", "v"), read_job("v"), long_job("scan")}), State{});
  CHECK(e.request_enqueue("w", 0, "opsctl", kT0).error->code == Refusal::refused_by_policy);
  CHECK(e.request_enqueue("scan", 0, "opsctl", kT0).error->code == Refusal::wrong_kind);
  CHECK(e.request_enqueue("nope", 0, "opsctl", kT0).error->code == Refusal::unknown_job);
  CHECK(e.state().queue.empty());
}

TEST_CASE("after-chains enqueue read-only jobs only, never a write job", "[engine]") {
  Job scan = long_job("scan");
  scan.after.push_back(AfterEntry{"v", AfterWhen::success, 30});
  scan.after.push_back(AfterEntry{"w", AfterWhen::success, 0});
  scan.after.push_back(AfterEntry{"on-fail", AfterWhen::failure, 0});
  Engine e(config_of({scan, read_job("v"), read_job("on-fail"), write_job("w", "v")}), State{});
  (void)e.on_probe_result("scan", running("k"), kT0);
  const Actions a = e.on_probe_result("scan", completed(), kT0 + seconds(10)).actions;
  REQUIRE(e.state().queue.size() == 1);
  CHECK(e.state().queue[0].job_id == "v");
  CHECK(e.state().queue[0].not_before == kT0 + seconds(40));
  CHECK(e.state().queue[0].source == "after:scan");
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.action_required.find("w (one_shot_write") != std::string::npos);
  const auto runs = only<LaunchOneShot>(e.on_timer(kT0 + seconds(40)).actions);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].job_id == "v");
}

TEST_CASE("a write job is refused without approval and nothing runs", "[engine]") {
  std::vector<AuditEvent> trail;  // audit events of the calls below
  Engine e = write_rig();
  const Outcome o = keep(trail, e.request_run("w", kT0, 1000));
  REQUIRE_FALSE(o.ok());
  CHECK(o.error->code == Refusal::approval_required);
  CHECK(o.error->message.find("ACTION REQUIRED: approve with 'opsctl approve w'") !=
        std::string::npos);
  CHECK(only<LaunchOneShot>(o.actions).empty());
  REQUIRE(alerts(o.actions).size() == 1);
  CHECK(alerts(o.actions)[0].section.job_id == "w");
  CHECK(alerts(o.actions)[0].section.action_required.find("opsctl approve w") != std::string::npos);
  CHECK(e.state().queue.empty());
  const auto audit = std::exchange(trail, {});
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].event == "refuse");
  CHECK(audit[0].uid == 1000);
  CHECK(audit[0].fingerprint == e.fingerprint(*e.config().find("w")));
}

TEST_CASE("a write job runs once with an approval, which is then consumed", "[engine]") {
  std::vector<AuditEvent> trail;  // audit events of the calls below
  Engine e = write_rig();
  REQUIRE(keep(trail, e.request_approve("w", kHour, 1000, "change 42", kT0)).ok());
  const Outcome o = keep(trail, e.request_run("w", kT0 + 1, 1000));
  REQUIRE(o.ok());
  REQUIRE(only<LaunchOneShot>(o.actions).size() == 1);
  CHECK(e.state().approvals.at(0).consumed);
  keep(trail, e.on_one_shot_finished("w", "", 0, "", kT0 + 2));
  CHECK(keep(trail, e.request_run("w", kT0 + 3, 1000)).error->code == Refusal::approval_required);
  const auto audit = std::exchange(trail, {});
  CHECK(has_event(audit, "approve"));
  CHECK(has_event(audit, "write_run"));
  CHECK(has_event(audit, "write_exit"));
  CHECK(e.request_approve("v", kHour, 1000, "", kT0).error->code == Refusal::wrong_kind);
}

TEST_CASE("a reload that changes the write job voids its approval", "[engine]") {
  Engine e = write_rig();
  REQUIRE(e.request_approve("w", kHour, 1000, "", kT0).ok());
  Job changed = write_job("w", "v");
  changed.commands.run = {"apply", "--force"};
  const ReloadSummary sum = e.reload(config_of({changed, read_job("v")}), kT0 + 1);
  CHECK(sum.changed == std::vector<std::string>{"w"});
  const Outcome o = e.request_run("w", kT0 + 2);
  REQUIRE_FALSE(o.ok());
  CHECK(o.error->message.find("changed") != std::string::npos);
}

TEST_CASE("run of a write job with an expired approval is refused", "[engine]") {
  Engine e = write_rig();
  REQUIRE(e.request_approve("w", kHour, 1000, "", kT0).ok());
  CHECK(e.request_run("w", kT0 + kHour).error->code == Refusal::approval_required);
}

TEST_CASE("write chain: write done, verification after its delay, verified", "[engine]") {
  std::vector<AuditEvent> trail;  // audit events of the calls below
  Engine e = write_rig(120);
  REQUIRE(keep(trail, e.request_approve("w", kHour, 1000, "", kT0)).ok());
  REQUIRE(keep(trail, e.request_run("w", kT0)).ok());
  Actions a = keep(trail, e.on_one_shot_finished("w", "", 0, "applied", kT0 + seconds(5))).actions;
  REQUIRE(only<Notify>(a).size() == 1);
  CHECK_FALSE(only<Notify>(a)[0].alert);
  CHECK(only<Notify>(a)[0].section.info == "等待验证: v");
  CHECK(only<LaunchOneShot>(keep(trail, e.on_timer(kT0 + seconds(124))).actions).empty());
  const auto runs = only<LaunchOneShot>(keep(trail, e.on_timer(kT0 + seconds(125))).actions);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].job_id == "v");
  a = keep(trail, e.on_one_shot_finished("v", runs[0].queue_item_id, 0, "ok", kT0 + seconds(130)))
          .actions;
  REQUIRE(only<Notify>(a).size() == 1);
  CHECK_FALSE(only<Notify>(a)[0].alert);
  CHECK(only<Notify>(a)[0].section.job_id == "w");
  CHECK(only<Notify>(a)[0].section.state == "✅ verified (v)");
  CHECK(has_event(std::exchange(trail, {}), "verify"));
}

TEST_CASE("write chain: a failed verification is an alert", "[engine]") {
  Engine e = write_rig();
  REQUIRE(e.request_approve("w", kHour, 1000, "", kT0).ok());
  REQUIRE(e.request_run("w", kT0).ok());
  const auto runs = only<LaunchOneShot>(e.on_one_shot_finished("w", "", 0, "", kT0 + 1).actions);
  REQUIRE(runs.size() == 1);
  const Actions a =
      e.on_one_shot_finished("v", runs[0].queue_item_id, 1, "mismatch", kT0 + 2).actions;
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.state == "❌ verification failed (v ❌ exit=1)");
  CHECK(alerts(a)[0].section.info == "v: mismatch");
}

TEST_CASE("write chain: a failed write is an alert and is not verified", "[engine]") {
  Engine e = write_rig();
  REQUIRE(e.request_approve("w", kHour, 1000, "", kT0).ok());
  REQUIRE(e.request_run("w", kT0).ok());
  const Actions a = e.on_one_shot_finished("w", "", 3, "denied", kT0 + 1).actions;
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.state == "❌ write failed (exit=3)");
  CHECK(only<LaunchOneShot>(a).empty());
  CHECK(e.state().queue.empty());
}

TEST_CASE("nothing but an approved request runs a write job", "[engine]") {
  Job scan = long_job("scan", true);
  scan.after.push_back(AfterEntry{"w", AfterWhen::always, 0});
  Engine e(config_of({scan, write_job("w", "v"), read_job("v")}), State{});
  Actions all = e.on_startup(kT0).actions;
  auto add = [&all](const Actions& more) { all.insert(all.end(), more.begin(), more.end()); };
  add(e.request_tick(kT0).actions);
  add(e.on_probe_result("scan", running("k"), kT0 + 1).actions);
  add(e.on_probe_result("scan", completed(), kT0 + 2).actions);
  add(e.on_probe_result("scan", not_running(), kT0 + 3).actions);
  add(e.on_timer(kT0 + seconds(3600)).actions);
  int write_runs = 0, write_items = 0;
  for (const auto& run : only<LaunchOneShot>(all)) write_runs += run.job_id == "w";
  for (const auto& item : e.state().queue) write_items += item.job_id == "w";
  CHECK(write_runs == 0);
  CHECK(write_items == 0);
}
