// A wall clock stepped by 2 h while opsd runs (issue 21 item 5): the daemon's clock
// (service/monotonic_wall_clock.hpp) notices, Engine::on_clock_step moves the persisted times,
// and ages and deadlines keep their length: no false stall, no skipped backoff, no approval
// expired early, and a stall is still seen after a backward step.
#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "engine_fixture.hpp"
#include "fixtures/fake_clock.hpp"
#include "notify/outbox.hpp"
#include "service/monotonic_wall_clock.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

constexpr TimeMs kHour = seconds(3600);

// The daemon's view: the system clock (`wall`), its clock over it, and the engine.
struct Daemonish {
  FakeClock wall{kT0};
  MonotonicWallClock clock{wall};

  // Steps the wall clock and does what the daemon does on its next loop step.
  void step(Engine& e, TimeMs delta) {
    wall.set_wall(wall.now() + delta);
    const TimeMs seen = clock.check_step();
    REQUIRE(seen == delta);
    REQUIRE(e.on_clock_step(seen).state_changed);
  }
  // One poll period: the timer fires, each probe answers with `result`. Returns the actions.
  Actions poll(Engine& e, const ProbeResult& result, TimeMs period = seconds(60)) {
    wall.advance(period);
    Actions all = e.on_timer(clock.now()).actions;
    for (const auto& p : only<LaunchProbe>(all)) {
      Actions r = e.on_probe_result(p.job_id, result, clock.now()).actions;
      all.insert(all.end(), r.begin(), r.end());
    }
    return all;
  }
};

Engine running_engine(Daemonish& d, Job job) {
  Engine e(config_of({std::move(job)}), State{});
  REQUIRE(only<LaunchProbe>(e.on_startup(d.clock.now()).actions).size() == 1);
  (void)e.on_probe_result("scan", running("k1"), d.clock.now());
  REQUIRE(e.state().jobs.at("scan").state == JobState::running);
  return e;
}

Job stall_job(std::int64_t stall_seconds) {
  Job job = long_job("scan");
  job.policy.stall_seconds = stall_seconds;
  return job;
}

}  // namespace

TEST_CASE("a forward step raises no false stall, and a real one is still seen", "[clock_step]") {
  Daemonish d;
  Engine e = running_engine(d, stall_job(600));
  d.step(e, 2 * kHour);
  for (int i = 0; i < 9; ++i) {  // 9 min of unchanged progress: under stallSeconds
    CHECK(alerts(d.poll(e, running("k1"))).empty());
    CHECK(e.state().jobs.at("scan").state == JobState::running);
  }
  std::size_t n = 0;
  for (int i = 0; i < 3; ++i) n += alerts(d.poll(e, running("k1"))).size();
  CHECK(n == 1);
  CHECK(e.state().jobs.at("scan").state == JobState::stalled);
}

TEST_CASE("after a backward step a stall is detected after stallSeconds, not 2 h later",
          "[clock_step]") {
  Daemonish d;
  Engine e = running_engine(d, stall_job(600));
  d.step(e, -2 * kHour);
  std::size_t n = 0;
  for (int i = 0; i < 12; ++i) n += alerts(d.poll(e, running("k1"))).size();
  CHECK(n == 1);
  CHECK(e.state().jobs.at("scan").state == JobState::stalled);
}

TEST_CASE("a step either way neither skips nor holds back the auto-resume backoff",
          "[clock_step]") {
  const TimeMs delta = GENERATE(2 * kHour, -2 * kHour);
  Daemonish d;
  Job job = long_job("scan", true);
  job.policy.auto_resume_backoff_seconds = 900;
  Engine e = running_engine(d, job);
  // It crashes: resumed at once (the first attempt), the start does not take: backoff.
  REQUIRE(only<LaunchStart>(e.on_probe_result("scan", not_running(), d.clock.now())).size() == 1);
  (void)d.poll(e, not_running(), seconds(5));
  REQUIRE(e.state().jobs.at("scan").state == JobState::backoff);
  d.step(e, delta);
  std::size_t starts = 0;
  for (int i = 0; i < 14; ++i) starts += only<LaunchStart>(d.poll(e, not_running())).size();
  CHECK(starts == 0);  // 14 min 5 s < 15 min
  for (int i = 0; i < 2; ++i) starts += only<LaunchStart>(d.poll(e, not_running())).size();
  CHECK(starts == 1);
}

TEST_CASE("an approval of 1 h is still valid after a forward step of 2 h, and then expires",
          "[clock_step]") {
  Daemonish d;
  Job v = read_job("v");
  v.enabled = true;
  Engine e(config_of({write_job("w", "v"), v}), State{});
  (void)e.on_startup(d.clock.now());
  REQUIRE(e.request_approve("w", kHour, 0, "", d.clock.now()).ok());
  d.step(e, 2 * kHour);
  d.wall.advance(seconds(60));
  Engine later = e;  // the same engine an hour on
  CHECK(e.request_run("w", d.clock.now(), 0).ok());
  d.wall.advance(kHour);
  CHECK_FALSE(later.request_run("w", d.clock.now(), 0).ok());
}

TEST_CASE("a backward step moves the pacing of each chat with it", "[clock_step]") {
  ChatPacer pacer;
  pacer.record_send("c", kT0);
  pacer.shift(-2 * kHour);
  CHECK(pacer.ready_at("c") == kT0 - 2 * kHour + kChatMinInterval);
  CHECK(pacer.ready_at("other") == 0);
}
