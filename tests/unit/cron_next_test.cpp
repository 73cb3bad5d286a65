#include "schedule/cron_next.hpp"

#include <catch2/catch.hpp>

#include "schedule_test_support.hpp"

namespace opsd {

using testing::utc;
using testing::zone;

namespace {

std::optional<TimeMs> next(std::string_view expr, const std::string& tz, TimeMs after) {
  return next_cron_time(*parse_cron(expr), zone(tz), after);
}

}  // namespace

TEST_CASE("cron sequences in UTC: steps, ranges, minute and hour boundaries", "[schedule][cron]") {
  TimeMs t = utc(2026, 12, 31, 23, 7, 30);
  const TimeMs expected[] = {utc(2026, 12, 31, 23, 20), utc(2026, 12, 31, 23, 40),
                             utc(2027, 1, 1, 0, 0), utc(2027, 1, 1, 0, 20)};
  for (TimeMs e : expected) {
    t = *next("*/20 * * * *", "UTC", t);
    CHECK(t == e);
  }
  CHECK(*next("0 9-17/4 * * *", "UTC", utc(2026, 5, 1, 10)) == utc(2026, 5, 1, 13));
  CHECK(*next("0 9-17/4 * * *", "UTC", utc(2026, 5, 1, 17)) == utc(2026, 5, 2, 9));
  // Strictly after: a due time exactly at `after` is the next one's predecessor.
  CHECK(*next("0 3 * * *", "UTC", utc(2026, 5, 1, 3)) == utc(2026, 5, 2, 3));
  CHECK(*next("0 3 * * *", "UTC", utc(2026, 5, 1, 3) - 1) == utc(2026, 5, 1, 3));
}

TEST_CASE("cron names and the day-of-month / day-of-week OR rule", "[schedule][cron]") {
  // 1 March 2026 is a Sunday; the 13th is a Friday.
  TimeMs t = utc(2026, 3, 1, 12);
  const TimeMs expected[] = {utc(2026, 3, 2), utc(2026, 3, 9), utc(2026, 3, 13), utc(2026, 3, 16)};
  for (TimeMs e : expected) {
    t = *next("0 0 13 * mon", "UTC", t);
    CHECK(t == e);
  }
  CHECK(*next("0 0 * * mon", "UTC", utc(2026, 3, 2, 1)) == utc(2026, 3, 9));
  CHECK(*next("0 0 13 * *", "UTC", utc(2026, 3, 2)) == utc(2026, 3, 13));
  CHECK(*next("30 6 1 jun-aug *", "UTC", utc(2026, 3, 1)) == utc(2026, 6, 1, 6, 30));
  CHECK(*next("0 0 * * sat,sun", "UTC", utc(2026, 3, 2)) == utc(2026, 3, 7));
}

TEST_CASE("cron on 29 February runs in leap years only", "[schedule][cron]") {
  CHECK(*next("0 12 29 2 *", "UTC", utc(2026, 1, 1)) == utc(2028, 2, 29, 12));
  CHECK(*next("0 12 29 2 *", "UTC", utc(2028, 2, 29, 12)) == utc(2032, 2, 29, 12));
  CHECK_FALSE(next("0 0 30 2 *", "UTC", utc(2026, 1, 1)).has_value());
}

TEST_CASE("Europe/Berlin 29 March 2026: a time that does not exist runs once at 03:00",
          "[schedule][cron][dst]") {
  // 02:00 CET -> 03:00 CEST at 01:00 UTC.
  CHECK(*next("30 2 * * *", "Europe/Berlin", utc(2026, 3, 28, 12)) == utc(2026, 3, 29, 1));
  CHECK(*next("30 2 * * *", "Europe/Berlin", utc(2026, 3, 29, 1)) == utc(2026, 3, 30, 0, 30));
  // Every minute of the missing hour is due: one run, then the next day.
  CHECK(*next("*/15 2 * * *", "Europe/Berlin", utc(2026, 3, 28, 12)) == utc(2026, 3, 29, 1));
  CHECK(*next("*/15 2 * * *", "Europe/Berlin", utc(2026, 3, 29, 1)) == utc(2026, 3, 30, 0));
  // Times outside the gap keep their local time.
  CHECK(*next("0 3 * * *", "Europe/Berlin", utc(2026, 3, 28, 12)) == utc(2026, 3, 29, 1));
  CHECK(*next("0 12 * * *", "Europe/Berlin", utc(2026, 3, 29, 1)) == utc(2026, 3, 29, 10));
}

TEST_CASE("Europe/Berlin 25 October 2026: a time that happens twice runs once",
          "[schedule][cron][dst]") {
  // 03:00 CEST -> 02:00 CET at 01:00 UTC: 02:30 is 00:30 UTC and again 01:30 UTC.
  CHECK(*next("30 2 * * *", "Europe/Berlin", utc(2026, 10, 24, 12)) == utc(2026, 10, 25, 0, 30));
  CHECK(*next("30 2 * * *", "Europe/Berlin", utc(2026, 10, 25, 0, 30)) == utc(2026, 10, 26, 1, 30));
  CHECK(*next("0 12 * * *", "Europe/Berlin", utc(2026, 10, 25, 0)) == utc(2026, 10, 25, 11));
}

TEST_CASE("America/New_York 8 March and 1 November 2026", "[schedule][cron][dst]") {
  // 02:00 EST -> 03:00 EDT at 07:00 UTC.
  CHECK(*next("30 2 * * *", "America/New_York", utc(2026, 3, 7, 12)) == utc(2026, 3, 8, 7));
  CHECK(*next("30 2 * * *", "America/New_York", utc(2026, 3, 8, 7)) == utc(2026, 3, 9, 6, 30));
  // 02:00 EDT -> 01:00 EST at 06:00 UTC: 01:30 is 05:30 UTC and again 06:30 UTC.
  CHECK(*next("30 1 * * *", "America/New_York", utc(2026, 10, 31, 12)) == utc(2026, 11, 1, 5, 30));
  CHECK(*next("30 1 * * *", "America/New_York", utc(2026, 11, 1, 5, 30)) ==
        utc(2026, 11, 2, 6, 30));
}

}  // namespace opsd
