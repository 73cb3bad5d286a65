#include "engine/quiet_hours.hpp"

#include <catch2/catch.hpp>

using opsd::in_quiet_hours;
using opsd::QuietHours;

TEST_CASE("quiet hours wrap past midnight", "[quiet_hours]") {
  const QuietHours q{23 * 60, 8 * 60};
  CHECK(in_quiet_hours(q, 23 * 60));
  CHECK(in_quiet_hours(q, 23 * 60 + 30));
  CHECK(in_quiet_hours(q, 0));
  CHECK(in_quiet_hours(q, 7 * 60 + 59));
  CHECK_FALSE(in_quiet_hours(q, 8 * 60));
  CHECK_FALSE(in_quiet_hours(q, 22 * 60 + 59));
}

TEST_CASE("quiet hours within one day, and start == end means none", "[quiet_hours]") {
  const QuietHours q{8 * 60, 10 * 60};
  CHECK(in_quiet_hours(q, 9 * 60));
  CHECK_FALSE(in_quiet_hours(q, 10 * 60));
  CHECK_FALSE(in_quiet_hours(q, 7 * 60));
  for (int m : {0, 600, 1439}) CHECK_FALSE(in_quiet_hours(QuietHours{600, 600}, m));
}
