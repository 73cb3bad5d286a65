#include "service/monotonic_wall_clock.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fake_clock.hpp"

using namespace opsd;

namespace {
constexpr TimeMs kT0 = 1'700'000'000'000;
constexpr TimeMs kHour = seconds(3600);
}  // namespace

TEST_CASE("the daemon clock follows the monotonic clock, not a wall step", "[clock_step]") {
  FakeClock source(kT0);
  MonotonicWallClock clock(source);
  source.advance(seconds(10));
  CHECK(clock.now() == kT0 + seconds(10));
  source.set_wall(source.now() - 2 * kHour);
  source.advance(seconds(5));
  CHECK(clock.now() == kT0 + seconds(15));  // the step is not seen before check_step()
  CHECK(clock.mono() == source.mono());
}

TEST_CASE("check_step reports a backward step once and re-anchors to the new wall time",
          "[clock_step]") {
  FakeClock source(kT0);
  MonotonicWallClock clock(source);
  source.advance(seconds(30));
  source.set_wall(source.now() - 2 * kHour);
  CHECK(clock.check_step() == -2 * kHour);
  CHECK(clock.now() == source.now());
  CHECK(clock.check_step() == 0);
  source.advance(seconds(7));
  CHECK(clock.now() == source.now());
}

TEST_CASE("check_step reports a forward step", "[clock_step]") {
  FakeClock source(kT0);
  MonotonicWallClock clock(source);
  source.set_wall(source.now() + 2 * kHour + 500);
  CHECK(clock.check_step() == 2 * kHour + 500);
  CHECK(clock.now() == source.now());
}

TEST_CASE("a drift within the threshold is absorbed without a step", "[clock_step]") {
  FakeClock source(kT0);
  MonotonicWallClock clock(source, seconds(2));
  source.set_wall(source.now() + seconds(2));  // exactly the threshold: slew, not a step
  CHECK(clock.check_step() == 0);
  CHECK(clock.now() == source.now());
  source.set_wall(source.now() - 1500);
  CHECK(clock.check_step() == 0);
  CHECK(clock.now() == source.now());
  source.set_wall(source.now() - 2001);
  CHECK(clock.check_step() == -2001);
}

TEST_CASE("local time is read from the source at the time asked", "[clock_step]") {
  FakeClock source(0);
  source.utc_offset_minutes = 60;
  MonotonicWallClock clock(source);
  CHECK(clock.local_minute_of_day(clock.now()) == 60);
}
