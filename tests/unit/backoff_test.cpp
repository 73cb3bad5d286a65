#include "engine/backoff.hpp"

#include <catch2/catch.hpp>

#include "engine/resume_policy.hpp"
#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

Policy backoff_policy(std::int64_t base, std::int64_t max) {
  Policy p = test_policy();
  p.auto_resume = true;
  p.auto_resume_backoff_seconds = base;
  p.auto_resume_backoff_max_seconds = max;
  return p;
}

}  // namespace

TEST_CASE("the first wait is autoResumeBackoffSeconds exactly", "[backoff]") {
  const Policy p = backoff_policy(900, 3600);
  CHECK(backoff_wait(p, "scan", 0) == seconds(900));
  CHECK(backoff_wait(p, "scan", 1) == seconds(900));
}

TEST_CASE("the wait doubles within the jitter up to the cap", "[backoff]") {
  const Policy p = backoff_policy(60, 600);
  // 60, 120, 240, 480, then 600 for ever.
  const std::int64_t expected[] = {60, 60, 120, 240, 480, 600, 600, 600};
  for (int streak = 1; streak <= 7; ++streak) {
    const TimeMs w = backoff_wait(p, "scan", streak);
    const double nominal = static_cast<double>(seconds(expected[streak]));
    INFO("streak " << streak << " wait " << w);
    CHECK(w >= seconds(60));
    CHECK(w <= seconds(600));
    CHECK(static_cast<double>(w) >= nominal * (1 - kBackoffJitter) - 1);
    CHECK(static_cast<double>(w) <= nominal * (1 + kBackoffJitter) + 1);
  }
  CHECK(backoff_wait(p, "scan", 1000) <= seconds(600));
  CHECK(backoff_wait(p, "scan", 1000) >= seconds(540));
}

TEST_CASE("a cap below the base leaves the flat wait", "[backoff]") {
  const Policy p = backoff_policy(900, 60);
  for (int streak = 1; streak < 6; ++streak) CHECK(backoff_wait(p, "scan", streak) == seconds(900));
}

TEST_CASE("the jitter is within its bounds, stable, and differs between jobs", "[backoff]") {
  bool differs = false;
  for (int streak = 1; streak < 200; ++streak) {
    const double a = backoff_jitter("scan", streak);
    CHECK(a >= -kBackoffJitter);
    CHECK(a <= kBackoffJitter);
    CHECK(a == backoff_jitter("scan", streak));
    differs = differs || a != backoff_jitter("inventory", streak);
  }
  CHECK(differs);
}

TEST_CASE("next_resume_at names the end of the current wait or of the give-up cooldown",
          "[backoff]") {
  Job job = long_job("scan", true);
  job.policy = backoff_policy(60, 600);
  JobRuntime rt;
  rt.state = JobState::failed;
  CHECK(next_resume_at(job, rt) == 0);
  record_resume_attempt(rt, kT0, false);
  record_resume_attempt(rt, kT0 + seconds(60), false);
  rt.state = JobState::backoff;
  CHECK(next_resume_at(job, rt) == kT0 + seconds(60) + backoff_wait(job.policy, "scan", 2));
  rt.state = JobState::given_up;
  rt.given_up_at = kT0 + seconds(100);
  CHECK(next_resume_at(job, rt) == kT0 + seconds(100) + kGivenUpCooldown);
}

TEST_CASE("the streak starts over after healthy running with progress", "[backoff]") {
  Policy p = backoff_policy(60, 600);
  p.healthy_after_seconds = 600;
  JobRuntime rt;
  rt.state = JobState::running;
  rt.running = true;
  rt.progress_key = "a";
  rt.resume_streak = 3;
  CHECK_FALSE(track_health(p, rt, true, kT0));
  CHECK(rt.healthy_since == kT0);
  rt.last_progress_at = kT0 + seconds(30);  // progress moved
  CHECK_FALSE(track_health(p, rt, true, kT0 + seconds(599)));
  CHECK(rt.resume_streak == 3);
  CHECK(track_health(p, rt, true, kT0 + seconds(600)));
  CHECK(rt.resume_streak == 0);
}

TEST_CASE("no reset without moving progress, after a failed probe or a stall", "[backoff]") {
  Policy p = backoff_policy(60, 600);
  p.healthy_after_seconds = 600;
  JobRuntime rt;
  rt.state = JobState::running;
  rt.running = true;
  rt.progress_key = "a";
  rt.resume_streak = 2;
  (void)track_health(p, rt, true, kT0);
  rt.last_progress_at = kT0;  // never moved since
  CHECK_FALSE(track_health(p, rt, true, kT0 + seconds(700)));
  rt.last_progress_at = kT0 + seconds(10);
  CHECK_FALSE(track_health(p, rt, false, kT0 + seconds(701)));  // the clock starts over
  CHECK(rt.healthy_since == 0);
  (void)track_health(p, rt, true, kT0 + seconds(702));
  rt.state = JobState::stalled;
  CHECK_FALSE(track_health(p, rt, true, kT0 + seconds(2000)));
  CHECK(rt.resume_streak == 2);
}

namespace {

// A job "scan" that crashes one second after every start; returns the times of its automatic
// starts, until it is given up or `limit` starts were seen.
std::vector<TimeMs> crash_loop(Engine& e, TimeMs& t, int limit) {
  std::vector<TimeMs> starts;
  const Job& job = *e.config().find("scan");
  while (static_cast<int>(starts.size()) < limit) {
    t += 1000;
    (void)e.on_child_exited("scan", 1, t);
    Step s = e.on_probe_result("scan", not_running(), t);
    if (only<LaunchStart>(s).empty()) {
      const JobRuntime& rt = e.state().jobs.at("scan");
      if (rt.state != JobState::backoff) break;
      t = next_resume_at(job, rt);
      REQUIRE(only<LaunchProbe>(e.on_timer(t)).size() == 1);
      s = e.on_probe_result("scan", not_running(), t);
      REQUIRE(only<LaunchStart>(s).size() == 1);
    }
    starts.push_back(t);
    (void)e.on_start_launched("scan", 5000 + static_cast<int>(starts.size()), "", t);
  }
  return starts;
}

Engine crashing_engine(int max_resumes) {
  Job job = long_job("scan", true);
  job.policy.auto_resume_backoff_seconds = 60;
  job.policy.auto_resume_backoff_max_seconds = 600;
  job.policy.max_auto_resumes = max_resumes;
  Config c = config_of({job});
  c.notify.locale = "en";
  Engine e(c, State{});
  REQUIRE(e.request_start("scan", false, kT0).ok());
  (void)e.on_start_launched("scan", 4242, "", kT0);
  return e;
}

}  // namespace

TEST_CASE("a job crashing on every start is resumed at growing intervals, then given up",
          "[backoff][engine]") {
  Engine e = crashing_engine(4);
  TimeMs t = kT0;
  const std::vector<TimeMs> starts = crash_loop(e, t, 10);
  REQUIRE(starts.size() == 4);
  const Policy& p = e.config().find("scan")->policy;
  for (std::size_t k = 1; k < starts.size(); ++k)
    CHECK(starts[k] - starts[k - 1] == backoff_wait(p, "scan", static_cast<int>(k)));
  CHECK(starts[1] - starts[0] == seconds(60));
  CHECK(starts[2] - starts[1] >= seconds(108));  // 120 s - 10 %
  CHECK(starts[3] - starts[2] >= seconds(216));  // 240 s - 10 %
  CHECK(e.state().jobs.at("scan").state == JobState::given_up);
}

TEST_CASE("the wait stays at the cap", "[backoff][engine]") {
  Engine e = crashing_engine(1000);
  TimeMs t = kT0;
  const std::vector<TimeMs> starts = crash_loop(e, t, 9);
  REQUIRE(starts.size() == 9);
  for (std::size_t k = 5; k < starts.size(); ++k) {
    CHECK(starts[k] - starts[k - 1] <= seconds(600));
    CHECK(starts[k] - starts[k - 1] >= seconds(540));
  }
}

TEST_CASE("after healthy running the next crash waits autoResumeBackoffSeconds again",
          "[backoff][engine]") {
  Engine e = crashing_engine(1000);
  TimeMs t = kT0;
  REQUIRE(crash_loop(e, t, 4).size() == 4);
  CHECK(e.state().jobs.at("scan").resume_streak == 4);
  // It runs, with progress, for healthyAfterSeconds (600 s by default).
  for (int i = 0; i <= 11; ++i) {
    t += seconds(60);
    (void)e.on_probe_result("scan", running("p" + std::to_string(i)), t);
  }
  CHECK(e.state().jobs.at("scan").resume_streak == 0);
  const std::vector<TimeMs> starts = crash_loop(e, t, 2);
  REQUIRE(starts.size() == 2);
  CHECK(starts[1] - starts[0] == seconds(60));
}

TEST_CASE("status and the crash alert say when the next attempt is due", "[backoff][engine]") {
  Engine e = crashing_engine(1000);
  TimeMs t = kT0;
  REQUIRE(crash_loop(e, t, 3).size() == 3);
  (void)e.on_child_exited("scan", ExitInfo{1, 1000, ""}, t + 1000);
  auto al = alerts(e.on_probe_result("scan", not_running(), t + 2000));
  REQUIRE(al.size() == 1);
  const JobRuntime& rt = e.state().jobs.at("scan");
  const TimeMs due = next_resume_at(*e.config().find("scan"), rt);
  CHECK(due == t + backoff_wait(e.config().find("scan")->policy, "scan", 3));
  const std::string in = "resuming in " + std::to_string((due - (t + 2000) + 999) / 1000) + " s";
  CHECK(al[0].section.autorun.find(in) == 0);
}
