// Helpers for the schedule tests: UTC times and real zones from the system's tzdata.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include "schedule/time_zone.hpp"
#include "util/clock.hpp"

namespace opsd::testing {

inline TimeMs utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  const auto tp = cctz::convert(cctz::civil_second(y, mo, d, h, mi, s), cctz::utc_time_zone());
  return static_cast<TimeMs>(tp.time_since_epoch().count()) * 1000;
}

inline cctz::time_zone zone(const std::string& name) {
  std::optional<cctz::time_zone> z = load_time_zone(name);
  REQUIRE(z.has_value());  // tzdata is installed by dev/setup
  return *z;
}

}  // namespace opsd::testing
