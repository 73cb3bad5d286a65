#include <catch2/catch.hpp>

#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

constexpr TimeMs kStall = seconds(600);

// "scan" with onStall restart, started and running with progress "a" at kT0 + 1 s.
Engine running_scan(int max_resumes, OnStall on_stall = OnStall::restart) {
  Job job = long_job("scan", true);
  job.policy.stall_seconds = 600;
  job.policy.on_stall = on_stall;
  job.policy.max_auto_resumes = max_resumes;
  job.policy.auto_resume_backoff_seconds = 60;
  Config c = config_of({job});
  c.notify.locale = "en";
  Engine e(c, State{});
  REQUIRE(e.request_start("scan", false, kT0).ok());
  (void)e.on_start_launched("scan", 4242, "", kT0);
  (void)e.on_probe_result("scan", running("a"), kT0 + 1000);
  return e;
}

const JobRuntime& rt_of(const Engine& e) { return e.state().jobs.at("scan"); }

// The job stays at "a" until it stalls; returns that probe's step.
Step stall(Engine& e, TimeMs& t) {
  t += kStall;
  return e.on_probe_result("scan", running("a"), t);
}

// The stopped job's exit and the probe after it; returns the probe's step.
Step stopped(Engine& e, TimeMs& t) {
  t += 2000;
  (void)e.on_child_exited("scan", -15, t);
  return e.on_probe_result("scan", not_running(), t);
}

}  // namespace

TEST_CASE("a stall with onStall alert only alerts", "[engine][stall]") {
  Engine e = running_scan(5, OnStall::alert);
  TimeMs t = kT0 + 1000;
  Step s = stall(e, t);
  CHECK(alerts(s).size() == 1);
  CHECK(only<LaunchStop>(s).empty());
  CHECK(rt_of(e).state == JobState::stalled);
}

TEST_CASE("a stall with onStall restart alerts, stops the job and resumes it", "[engine][stall]") {
  Engine e = running_scan(5);
  TimeMs t = kT0 + 1000;
  Step s = stall(e, t);
  auto al = alerts(s);
  REQUIRE(al.size() == 1);
  CHECK(al[0].section.action_required.find("no progress") != std::string::npos);
  CHECK(al[0].section.autorun.find("restarting after the stall") == 0);
  REQUIRE(only<LaunchStop>(s).size() == 1);
  CHECK(rt_of(e).state == JobState::stopping);
  CHECK(rt_of(e).restart_on_stall);
  s = stopped(e, t);
  REQUIRE(only<LaunchStart>(s).size() == 1);
  CHECK(rt_of(e).state == JobState::starting);
  CHECK_FALSE(rt_of(e).restart_on_stall);
  CHECK(rt_of(e).auto_resume_times.size() == 1);  // counted against maxAutoResumes
  auto n = only<Notify>(s);
  REQUIRE(n.size() == 1);
  CHECK(n[0].section.autorun ==
        "restarted after the stall, from its checkpoint (attempt 1/5 "
        "within 1h)");
}

TEST_CASE("a job that does not stop is killed after stopTimeoutSeconds, then resumed",
          "[engine][stall]") {
  Engine e = running_scan(5);
  TimeMs t = kT0 + 1000;
  (void)stall(e, t);
  t += seconds(30);
  CHECK(only<KillJob>(e.on_timer(t)).size() == 1);
  CHECK(only<LaunchStart>(stopped(e, t)).size() == 1);
}

TEST_CASE("restarts on stall are capped by maxAutoResumes", "[engine][stall]") {
  Engine e = running_scan(2);
  TimeMs t = kT0 + 1000;
  for (int i = 0; i < 2; ++i) {
    REQUIRE(only<LaunchStop>(stall(e, t)).size() == 1);
    REQUIRE(only<LaunchStart>(stopped(e, t)).size() == 1);
    (void)e.on_start_launched("scan", 5000 + i, "", t);
    (void)e.on_probe_result("scan", running("a"), t + 1000);  // from the same checkpoint
    t += 1000;
  }
  Step s = stall(e, t);
  CHECK(only<LaunchStop>(s).empty());
  CHECK(rt_of(e).state == JobState::stalled);
  auto al = alerts(s);
  REQUIRE(al.size() == 1);
  CHECK(al[0].section.autorun == "not restarted after the stall (2 attempts within 1h reached)");
}

TEST_CASE("a person's stop during a restart on stall wins", "[engine][stall]") {
  Engine e = running_scan(5);
  TimeMs t = kT0 + 1000;
  (void)stall(e, t);
  REQUIRE(e.request_stop("scan", t + 100).ok());
  CHECK(only<LaunchStart>(stopped(e, t)).empty());
  CHECK(rt_of(e).state == JobState::stopped);
  CHECK(rt_of(e).user_stopped);
}

TEST_CASE("the restart note reads in the job's locale", "[engine][stall]") {
  Job job = long_job("scan", true);
  job.policy.stall_seconds = 600;
  job.policy.on_stall = OnStall::restart;
  Engine e(config_of({job}), State{});  // zh
  REQUIRE(e.request_start("scan", false, kT0).ok());
  (void)e.on_start_launched("scan", 4242, "", kT0);
  (void)e.on_probe_result("scan", running("a"), kT0 + 1000);
  TimeMs t = kT0 + 1000;
  auto al = alerts(stall(e, t));
  REQUIRE(al.size() == 1);
  CHECK(al[0].section.autorun.find("停滞后重启") == 0);
}
