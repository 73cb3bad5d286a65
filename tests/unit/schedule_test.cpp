#include "schedule/schedule.hpp"

#include <catch2/catch.hpp>

#include "schedule_test_support.hpp"

namespace opsd {

using testing::utc;

namespace {

Schedule every(std::int64_t s) {
  Schedule out;
  out.every_seconds = s;
  out.spec = describe(out);
  return out;
}

}  // namespace

TEST_CASE("every is anchored at the epoch: runs do not drift", "[schedule]") {
  const Schedule s = every(900);
  CHECK(*next_slot(s, utc(2026, 5, 1, 10, 7, 30)) == utc(2026, 5, 1, 10, 15));
  CHECK(*next_slot(s, utc(2026, 5, 1, 10, 15)) == utc(2026, 5, 1, 10, 30));
  // However late a run is, the next slot is on the grid.
  CHECK(*next_slot(s, utc(2026, 5, 1, 10, 15) + 123'456) == utc(2026, 5, 1, 10, 30));
  TimeMs t = utc(2026, 5, 1, 23, 50);
  for (int i = 0; i < 4; ++i) t = *next_slot(s, t);
  CHECK(t == utc(2026, 5, 2, 0, 45));
  CHECK(*next_slot(every(86400), utc(2026, 5, 1, 10)) == utc(2026, 5, 2));
  CHECK(*next_slot(every(2), 1'000) == 2'000);
  CHECK(*next_slot(every(2), 1'999) == 2'000);
  CHECK(*next_slot(every(2), 2'000) == 4'000);
}

TEST_CASE("cron schedules use their zone", "[schedule]") {
  Schedule s;
  s.cron = *parse_cron("0 3 * * *");
  s.timezone = "Europe/Berlin";
  s.zone = testing::zone("Europe/Berlin");
  CHECK(*next_slot(s, utc(2026, 7, 1)) == utc(2026, 7, 1, 1));
}

TEST_CASE("a schedule's spec names everything that plans it", "[schedule]") {
  Schedule s = every(120);
  CHECK(describe(s) == "every 2m");
  s.jitter_seconds = 30;
  s.catch_up = CatchUp::skip;
  CHECK(describe(s) == "every 2m jitter 30s catchUp skip");
  Schedule c;
  c.cron = *parse_cron("0 3 * * *");
  CHECK(describe(c) == "cron 0 3 * * * (local time)");
  c.timezone = "UTC";
  CHECK(describe(c) == "cron 0 3 * * * UTC");
}

}  // namespace opsd
