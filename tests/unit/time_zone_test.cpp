#include "schedule/time_zone.hpp"

#include <catch2/catch.hpp>

namespace opsd {

TEST_CASE("time zones come from the system's tzdata", "[schedule][zone]") {
  REQUIRE(load_time_zone("Europe/Berlin").has_value());
  CHECK(load_time_zone("Europe/Berlin")->name() == "Europe/Berlin");
  CHECK(load_time_zone("UTC").has_value());
  CHECK(load_time_zone("").has_value());  // the host's local time
  CHECK_FALSE(load_time_zone("Mars/Olympus_Mons").has_value());
  CHECK_FALSE(load_time_zone("../../etc/passwd").has_value());
  CHECK_FALSE(load_time_zone("/etc/localtime").has_value());
}

}  // namespace opsd
