#include "util/run_time_format.hpp"

#include <catch2/catch.hpp>

using opsd::format_run_time;

TEST_CASE("run times read as people say them", "[run_time_format]") {
  CHECK(format_run_time(0) == "0.0s");
  CHECK(format_run_time(420) == "0.4s");
  CHECK(format_run_time(9'990) == "9.9s");
  CHECK(format_run_time(12'000) == "12s");
  CHECK(format_run_time(192'000) == "3m 12s");
  CHECK(format_run_time(3'720'000) == "1h 02m");
  CHECK(format_run_time(183'600'000) == "2d 3h");
  CHECK(format_run_time(-5) == "0.0s");
}
