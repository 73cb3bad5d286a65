#include "schedule/duration.hpp"

#include <catch2/catch.hpp>

namespace opsd {

TEST_CASE("schedule durations in s, m, h, d and combinations", "[schedule][duration]") {
  CHECK(*parse_schedule_duration("30s") == 30);
  CHECK(*parse_schedule_duration("15m") == 900);
  CHECK(*parse_schedule_duration("6h") == 21600);
  CHECK(*parse_schedule_duration("1d") == 86400);
  CHECK(*parse_schedule_duration("1h30m") == 5400);
  CHECK(*parse_schedule_duration("1d2h3m4s") == 93784);
  CHECK(*parse_schedule_duration("366d") == kMaxScheduleSeconds);
}

TEST_CASE("schedule durations are shown in their shortest form", "[schedule][duration]") {
  CHECK(format_schedule_duration(2) == "2s");
  CHECK(format_schedule_duration(900) == "15m");
  CHECK(format_schedule_duration(5400) == "1h30m");
  CHECK(format_schedule_duration(86400 + 61) == "1d1m1s");
  for (std::int64_t s : {1, 59, 60, 3599, 3600, 86399, 86400, 93784})
    CHECK(*parse_schedule_duration(format_schedule_duration(s)) == s);
}

TEST_CASE("bad schedule durations name what is wrong", "[schedule][duration]") {
  auto msg = [](std::string_view s) { return parse_schedule_duration(s).error().message; };
  CHECK(msg("") == "is empty; expected a duration like 30s, 15m, 6h or 1d");
  CHECK(msg("15x") == "\"15x\": unknown unit 'x' (use s, m, h or d)");
  CHECK(msg("15") == "\"15\": the number 15 has no unit (use s, m, h or d)");
  CHECK(msg("m") == "\"m\": expected a number at character 1 (a duration like 30s, 15m, 6h or 1d)");
  CHECK(msg("0s") == "\"0s\": must be at least 1s");
  CHECK(msg("30m1h") ==
        "\"30m1h\": units must go from largest to smallest, each once (like 1h30m)");
  CHECK(msg("367d") == "\"367d\": longer than 366d");
  CHECK(msg("99999999999999999999s") == "\"99999999999999999999s\": longer than 366d");
  CHECK(msg("1 h").find("unknown unit ' '") != std::string::npos);
  CHECK(!parse_schedule_duration("-5m"));
}

}  // namespace opsd
