// Wall-clock faults (docs/engine.md, docs/persistence.md): the engine's times are wall ms, so a
// clock stepped by NTP or by hand must neither stop polling nor cause an alert storm; DST inside
// quiet hours keeps routine reports held.
#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "engine_fixture.hpp"
#include "fixtures/fake_clock.hpp"
#include "util/clock.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

constexpr TimeMs kHour = seconds(3600);

// A running job whose probe has answered with `key`.
Engine running_engine(FakeClock& clock, Job job) {
  Engine e(config_of({std::move(job)}), State{});
  e.set_local_time(clock);
  REQUIRE(only<LaunchProbe>(e.on_startup(clock.now()).actions).size() == 1);
  (void)e.on_probe_result("scan", running("k1"), clock.now());
  REQUIRE(e.state().jobs.at("scan").state == JobState::running);
  return e;
}

// Runs the daemon's loop for `n` poll periods: the steady timer fires every pollSeconds
// whatever the wall clock says, each probe answers with `key`. Returns the actions.
Actions poll_rounds(Engine& e, FakeClock& clock, int n, const std::string& key) {
  Actions all;
  for (int i = 0; i < n; ++i) {
    clock.advance(seconds(60));
    Actions a = e.on_timer(clock.now()).actions;
    for (const auto& p : only<LaunchProbe>(a)) {
      Actions r = e.on_probe_result(p.job_id, running(key), clock.now()).actions;
      all.insert(all.end(), r.begin(), r.end());
    }
    all.insert(all.end(), a.begin(), a.end());
  }
  return all;
}

}  // namespace

TEST_CASE("a wall clock stepped back by hours does not stop polling", "[clock_fault]") {
  FakeClock clock(kT0);
  Engine e = running_engine(clock, long_job("scan"));
  clock.set_wall(clock.now() - 3 * kHour);
  // The next poll is due within one poll period of the new wall time, not 3 h later.
  REQUIRE(e.next_deadline());
  clock.advance(seconds(60));
  Actions a = e.on_timer(clock.now()).actions;
  CHECK(only<LaunchProbe>(a).size() == 1);
  (void)e.on_probe_result("scan", running("k2"), clock.now());
  REQUIRE(e.next_deadline());
  CHECK(*e.next_deadline() <= clock.now() + seconds(60 + 30));
  const Actions later = poll_rounds(e, clock, 5, "k3");
  CHECK(only<LaunchProbe>(later).size() == 5);
  CHECK(alerts(later).empty());
}

TEST_CASE("a stop escalation deadline survives a clock stepped back", "[clock_fault]") {
  FakeClock clock(kT0);
  Engine e = running_engine(clock, long_job("scan"));
  REQUIRE(e.request_stop("scan", clock.now()).ok());
  REQUIRE(e.state().jobs.at("scan").state == JobState::stopping);
  clock.set_wall(clock.now() - 5 * kHour);
  // The daemon's timer wakes at least every minute; within one wake plus stopTimeoutSeconds
  // (30) the SIGKILL is due, not 5 h later.
  std::size_t kills = 0;
  for (int i = 0; i < 3; ++i) {
    clock.advance(seconds(31));
    kills += only<KillJob>(e.on_timer(clock.now()).actions).size();
  }
  CHECK(kills == 1);
}

TEST_CASE("a wall clock stepped forward by hours raises at most one alert per job",
          "[clock_fault]") {
  FakeClock clock(kT0);
  Engine e = running_engine(clock, long_job("scan"));
  (void)poll_rounds(e, clock, 2, "k1");
  clock.set_wall(clock.now() + 6 * kHour);
  // Progress has not moved in "6 hours" of wall time: at most one stall alert, no storm.
  const Actions a = poll_rounds(e, clock, 30, "k1");
  CHECK(alerts(a).size() <= 1);
  CHECK(only<LaunchStart>(a).empty());
  CHECK(only<LaunchProbe>(a).size() == 30);
  // And when progress moves, it is running again.
  (void)poll_rounds(e, clock, 1, "k2");
  CHECK(e.state().jobs.at("scan").state == JobState::running);
}

TEST_CASE("clock jumps back and forth repeatedly never crash or storm", "[clock_fault]") {
  FakeClock clock(kT0);
  Job job = long_job("scan", true);
  job.policy.stall_seconds = 600;
  Engine e = running_engine(clock, job);
  std::size_t n_alerts = 0;
  for (int i = 0; i < 20; ++i) {
    clock.set_wall(clock.now() + (i % 2 ? -1 : 1) * (i + 1) * kHour);
    const Actions a = poll_rounds(e, clock, 3, "k" + std::to_string(i / 4));
    n_alerts += alerts(a).size();
    REQUIRE(e.next_deadline());
    CHECK(*e.next_deadline() <= clock.now() + seconds(60 + 30));
  }
  CHECK(n_alerts <= 10);  // stall + recovery at most once per 4 jumps of unchanged progress
}

TEST_CASE("a DST change inside quiet hours keeps routine reports held", "[clock_fault]") {
  FakeClock clock(kT0);               // 22:13 UTC
  clock.utc_offset_minutes = 60 * 3;  // local 01:13, inside 23:00-08:00
  Job job = long_job("scan");
  job.policy.quiet_hours = QuietHours{23 * 60, 8 * 60};
  job.policy.report_every_seconds = 60;
  Engine e = running_engine(clock, job);
  std::size_t routine = 0;
  for (int i = 0; i < 10; ++i) {
    if (i == 5) clock.utc_offset_minutes += 60;  // summer time starts: 02:00 -> 03:00
    for (const auto& n : only<Notify>(poll_rounds(e, clock, 1, "p" + std::to_string(i))))
      routine += n.alert ? 0 : 1;
  }
  CHECK(routine == 0);
  clock.utc_offset_minutes += 6 * 60;  // local ~10:30: quiet hours over
  std::size_t after = 0;
  for (int i = 0; i < 3; ++i)
    for (const auto& n : only<Notify>(poll_rounds(e, clock, 1, "q" + std::to_string(i))))
      after += n.alert ? 0 : 1;
  CHECK(after >= 1);
}
