#include <catch2/catch.hpp>
#include <csignal>

#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

// An engine whose long job "scan" was started and confirmed running at kT0.
Engine started(bool auto_resume, const std::string& locale = "en") {
  Config c = config_of({long_job("scan", auto_resume)});
  c.notify.locale = locale;
  c.jobs[0].policy.auto_resume_backoff_seconds = 60;
  Engine e(c, State{});
  REQUIRE(e.request_start("scan", false, kT0).ok());
  (void)e.on_start_launched("scan", 4242, "", kT0);
  (void)e.on_probe_result("scan", running("a"), kT0 + 1000);
  return e;
}

ExitInfo exit_of(int code) { return ExitInfo{code, 12'000, "step 1\nstep 2\nlast words\n"}; }

OneShotResult result(int code, std::string out = "") {
  OneShotResult r;
  r.exit_code = code;
  r.duration_ms = 420;
  r.stdout_tail = std::move(out);
  r.timeout_seconds = 3600;
  return r;
}

}  // namespace

TEST_CASE("an exit while not completed is an alert naming the code, time, log and next step",
          "[engine_runs]") {
  Engine e = started(false);
  Actions a = e.on_child_exited("scan", exit_of(3), kT0 + 13'000).actions;
  CHECK(alerts(a).empty());  // the probe decides
  REQUIRE(only<LaunchProbe>(a).size() == 1);
  a = e.on_probe_result("scan", not_running(), kT0 + 14'000).actions;
  auto al = alerts(a);
  REQUIRE(al.size() == 1);
  const ReportSection& s = al[0].section;
  CHECK(s.state.find("exit code 3") != std::string::npos);
  CHECK(s.state.find("12s") != std::string::npos);
  CHECK(s.info.find("last words") != std::string::npos);
  CHECK(s.action_required == "needs opsctl start scan");
  const ExitRecord& rec = *e.state().jobs.at("scan").last_exit;
  CHECK(rec.code == 3);
  CHECK(rec.crashed);
  CHECK(rec.runtime_ms == 12'000);
}

TEST_CASE("a crash during quiet hours still alerts", "[engine_runs]") {
  Config c = config_of({long_job("scan", false)});
  c.jobs[0].policy.quiet_hours = QuietHours{0, 1439};
  Engine e(c, State{});
  e.set_local_time([](TimeMs) { return 600; });
  REQUIRE(e.request_start("scan", false, kT0).ok());
  (void)e.on_start_launched("scan", 4242, "", kT0);
  (void)e.on_probe_result("scan", running("a"), kT0 + 1000);
  (void)e.on_child_exited("scan", exit_of(-SIGKILL), kT0 + 2000);
  auto al = alerts(e.on_probe_result("scan", not_running(), kT0 + 3000));
  REQUIRE(al.size() == 1);
  CHECK(al[0].section.state.find("SIGKILL") != std::string::npos);
}

TEST_CASE("a killed job with auto-resume says it resumes and which attempt", "[engine_runs]") {
  Engine e = started(true);
  (void)e.on_child_exited("scan", exit_of(-SIGKILL), kT0 + 13'000);
  Actions a = e.on_probe_result("scan", not_running(), kT0 + 14'000).actions;
  auto al = alerts(a);
  REQUIRE(al.size() == 1);
  CHECK(al[0].section.state.find("killed by SIGKILL") != std::string::npos);
  CHECK(al[0].section.autorun == "resumed now (attempt 1 of 5 within 1h)");
  CHECK(only<LaunchStart>(a).size() == 1);
  // The second crash soon after waits for the backoff.
  (void)e.on_start_launched("scan", 4343, "", kT0 + 14'000);
  (void)e.on_child_exited("scan", exit_of(1), kT0 + 20'000);
  al = alerts(e.on_probe_result("scan", not_running(), kT0 + 21'000));
  REQUIRE(al.size() == 1);
  CHECK(al[0].section.autorun == "resuming in 53 s (attempt 2 of 5 within 1h)");
}

TEST_CASE("a completed job's report says how long it took; no crash", "[engine_runs]") {
  Engine e = started(false);
  (void)e.on_child_exited("scan", exit_of(0), kT0 + 13'000);
  Actions a = e.on_probe_result("scan", completed(), kT0 + 14'000).actions;
  CHECK(alerts(a).empty());
  auto n = only<Notify>(a);
  REQUIRE(n.size() == 1);
  CHECK(n[0].section.info.find("took 12s") != std::string::npos);
  CHECK_FALSE(e.state().jobs.at("scan").last_exit->crashed);
}

TEST_CASE("an exit after a stop request is no crash", "[engine_runs]") {
  Engine e = started(false);
  REQUIRE(e.request_stop("scan", kT0 + 5000).ok());
  (void)e.on_child_exited("scan", exit_of(-SIGTERM), kT0 + 6000);
  CHECK(alerts(e.on_probe_result("scan", not_running(), kT0 + 7000)).empty());
  CHECK_FALSE(e.state().jobs.at("scan").last_exit->crashed);
}

TEST_CASE("every one-shot run is recorded with its number, outcome and tails", "[engine_runs]") {
  Engine e(config_of({read_job("chk")}), State{});
  REQUIRE(e.request_run("chk", kT0).ok());
  CHECK(e.state().jobs.at("chk").runs_started == 1);
  (void)e.on_one_shot_finished("chk", "", result(0, "fine"), kT0 + 500);
  REQUIRE(e.request_run("chk", kT0 + 1000).ok());
  (void)e.on_one_shot_finished("chk", "", result(4, "bad"), kT0 + 1500);
  const auto& runs = e.state().jobs.at("chk").runs;
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].number == 1);
  CHECK(runs[0].ok);
  CHECK(runs[0].started_at == kT0);
  CHECK(runs[1].number == 2);
  CHECK(runs[1].exit_code == 4);
  CHECK_FALSE(runs[1].ok);
  CHECK(runs[1].stdout_tail == "bad");
  CHECK(runs[1].source == "run");
}

TEST_CASE("the run history keeps the last ten runs", "[engine_runs]") {
  Engine e(config_of({read_job("chk")}), State{});
  for (int i = 0; i < 12; ++i) {
    REQUIRE(e.request_run("chk", kT0 + i * 1000).ok());
    (void)e.on_one_shot_finished("chk", "", result(i), kT0 + i * 1000 + 500);
  }
  const auto& runs = e.state().jobs.at("chk").runs;
  REQUIRE(runs.size() == kMaxRunRecords);
  CHECK(runs.front().number == 3);
  CHECK(runs.back().number == 12);
}

TEST_CASE("a marker found anywhere in the output is reported with the tail", "[engine_runs]") {
  Engine e(config_of({read_job("chk")}), State{});
  REQUIRE(e.request_run("chk", kT0).ok());
  OneShotResult r = result(0, "line 99999\nall done");
  r.markers = {"ALERT: disk almost full"};
  r.marker_count = 1;
  auto al = alerts(e.on_one_shot_finished("chk", "", r, kT0 + 500));
  REQUIRE(al.size() == 1);
  CHECK(al[0].section.info.find("ALERT: disk almost full") == 0);
  CHECK(al[0].section.info.find("all done") != std::string::npos);
  CHECK(e.state().jobs.at("chk").runs.back().markers.size() == 1);
  CHECK_FALSE(e.state().jobs.at("chk").runs.back().ok);
}

TEST_CASE("a timed-out run is reported as a timeout", "[engine_runs]") {
  Engine e(config_of({read_job("chk")}), State{});
  REQUIRE(e.request_run("chk", kT0).ok());
  OneShotResult r = result(-SIGKILL);
  r.timed_out = true;
  r.timeout_seconds = 2;
  r.duration_ms = 2010;
  auto al = alerts(e.on_one_shot_finished("chk", "", r, kT0 + 2010));
  REQUIRE(al.size() == 1);
  CHECK(al[0].section.state == "timed out after 2s (killed, ran 2.0s)");
  const JobRun& rec = e.state().jobs.at("chk").runs.back();
  CHECK(rec.timed_out);
  CHECK(rec.signal == SIGKILL);
  CHECK_FALSE(rec.exit_code);
}

TEST_CASE("a write run's record learns how its verification chain ended", "[engine_runs]") {
  Engine e = running_write(write_job("w", "v"));
  Actions a = e.on_one_shot_finished("w", "", result(0), kT0 + 100).actions;
  CHECK(e.state().jobs.at("w").runs.back().chain == "pending");
  const std::string item = item_of(a, "v");
  REQUIRE_FALSE(item.empty());
  (void)e.on_one_shot_finished("v", item, result(0, "verified"), kT0 + 200);
  CHECK(e.state().jobs.at("w").runs.back().chain == "verified");
  CHECK(e.state().jobs.at("v").runs.back().source == "queue:after:w");
}
