#include "util/clock.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fake_clock.hpp"

using opsd::FakeClock;

TEST_CASE("fake clock advances wall and monotonic time together") {
  FakeClock clock(1000);
  clock.advance(opsd::seconds(5));
  CHECK(clock.now() == 6000);
  CHECK(clock.mono() == 5000);
}

TEST_CASE("fake clock local minute of day wraps with the utc offset") {
  FakeClock clock(0);  // 1970-01-01 00:00 UTC
  CHECK(clock.local_minute_of_day(clock.now()) == 0);
  clock.utc_offset_minutes = -60;
  CHECK(clock.local_minute_of_day(clock.now()) == 23 * 60);
  clock.utc_offset_minutes = 8 * 60;
  CHECK(clock.local_minute_of_day(clock.now() + opsd::seconds(90)) == 8 * 60 + 1);
}

TEST_CASE("system clock minute of day is within a day") {
  opsd::SystemClock clock;
  int m = clock.local_minute_of_day(clock.now());
  CHECK(m >= 0);
  CHECK(m < 24 * 60);
}
