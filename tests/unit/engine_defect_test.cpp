// One test per defect of the original tool that lives in the engine (docs/engine.md).
#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

TEST_CASE("defect: status timeout does not crash the tick", "[engine][defect]") {
  Engine e(config_of({long_job("a"), long_job("b")}), State{});
  (void)e.on_probe_result("a", running("ka"), kT0);
  const Actions tick = e.request_tick(kT0 + seconds(60)).actions;
  REQUIRE(only<LaunchProbe>(tick).size() == 2);
  Actions a;
  REQUIRE_NOTHROW(
      a = e.on_probe_result("a", probe_failure("timeout after 30s"), kT0 + seconds(90)).actions);
  CHECK(a.empty());
  const Actions b = e.on_probe_result("b", running("kb"), kT0 + seconds(61)).actions;
  CHECK(only<Notify>(b).size() == 1);  // the other job is still handled
  CHECK(e.state().jobs.at("a").state == JobState::running);
  CHECK(e.state().jobs.at("a").probe.error == "timeout after 30s");
}

TEST_CASE("defect: a non-bool running is a probe failure, not a crash", "[engine][defect]") {
  Engine e(config_of({long_job("a", true)}), State{});
  (void)e.on_probe_result("a", running("k"), kT0);
  Actions a;
  REQUIRE_NOTHROW(
      a = e.on_probe_result("a", probe_failure("running: must be a bool"), kT0 + 1).actions);
  CHECK(only<LaunchStart>(a).empty());  // not mistaken for "not running"
  CHECK(e.state().jobs.at("a").state == JobState::running);
  CHECK_FALSE(e.state().jobs.at("a").probe.ok);
}

TEST_CASE("defect: blocked autorun note is not repeated every tick", "[engine][defect]") {
  Job job = long_job("a", true);
  job.risk = Risk::write_local;
  Engine e(config_of({job}), State{});
  Actions first = e.on_probe_result("a", not_running(), kT0).actions;
  REQUIRE(only<Notify>(first).size() == 1);
  CHECK(only<Notify>(first)[0].section.autorun == "blocked (risk != read_only)");
  int notes = 0;
  for (TimeMs t = kT0 + seconds(60); t <= kT0 + seconds(4 * 3600); t += seconds(60))
    for (const auto& n : only<Notify>(e.on_probe_result("a", not_running(), t).actions))
      notes += n.section.autorun.empty() ? 0 : 1;
  CHECK(notes == 0);
}

TEST_CASE("defect: backoff autorun note is not repeated every tick", "[engine][defect]") {
  Job job = long_job("a", true);
  job.policy.auto_resume_backoff_seconds = 3600;
  Engine e(config_of({job}), State{});
  REQUIRE(only<LaunchStart>(e.on_probe_result("a", not_running(), kT0).actions).size() == 1);
  const Actions first = e.on_probe_result("a", not_running(), kT0 + seconds(60)).actions;
  REQUIRE(only<Notify>(first).size() == 1);
  CHECK(only<Notify>(first)[0].section.autorun == "suppressed (backoff 3600s)");
  for (TimeMs t = kT0 + seconds(120); t < kT0 + seconds(3600); t += seconds(60))
    REQUIRE(only<Notify>(e.on_probe_result("a", not_running(), t).actions).empty());
}

TEST_CASE("defect: after chains are enqueued", "[engine][defect]") {
  Job check = read_job("check");
  check.after.push_back(AfterEntry{"report", AfterWhen::success, 0});
  Engine e(config_of({check, read_job("report")}), State{});
  const Outcome o = e.request_run("check", kT0);
  REQUIRE(o.ok());
  const Actions a = e.on_one_shot_finished("check", "", 0, "fine", kT0 + 1).actions;
  REQUIRE(e.state().queue.size() == 1);
  CHECK(e.state().queue[0].job_id == "report");
  REQUIRE(only<LaunchOneShot>(a).size() == 1);
  CHECK(only<LaunchOneShot>(a)[0].job_id == "report");
}

TEST_CASE("defect: dedup state survives a failed send", "[engine][defect]") {
  Engine e(config_of({long_job("a")}), State{});
  const Step step = e.on_probe_result("a", running("k1"), kT0);
  REQUIRE(only<Notify>(step.actions).size() == 1);
  // The report was decided: dedup state is in State and marked for persisting, whatever
  // becomes of the delivery.
  CHECK(step.state_changed);
  CHECK_FALSE(e.state().jobs.at("a").last_report_digest.empty());
  CHECK(e.state().jobs.at("a").last_report_at == kT0);
  // The send failed and the daemon restarted from the persisted state: no duplicate report.
  Engine restarted(e.config(), e.state());
  (void)restarted.on_startup(kT0 + seconds(10));
  CHECK(only<Notify>(restarted.on_probe_result("a", running("k1"), kT0 + seconds(11)).actions)
            .empty());
}
