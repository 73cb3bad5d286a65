// Five-field cron expressions (crontab(5)): minute hour day-of-month month day-of-week, with
// lists (1,15), ranges (1-5), steps (*/15, 0-30/10), names (jan-dec, sun-sat, any case),
// 7 = Sunday, and the macros @hourly @daily @midnight @weekly @monthly @yearly @annually.
#pragma once

#include <bitset>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace opsd {

struct CronExpr {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // bits 1..31
  std::bitset<13> months;         // bits 1..12
  std::bitset<7> days_of_week;    // bit 0 = Sunday
  // A day field that does not start with `*` (Vixie cron). When both day fields are restricted a
  // day matches when either matches (cron's OR rule); otherwise the restricted one decides.
  bool dom_restricted = false;
  bool dow_restricted = false;
  std::string text;  // as written, for messages and status

  bool operator==(const CronExpr&) const = default;
};

// Errors name the field and what is wrong in it:
// "field 2 (hour): 24 is out of range 0-23", "expected 5 fields, got 4".
Result<CronExpr> parse_cron(std::string_view text);

// Whether a day matches the day-of-month, month and day-of-week fields.
// `month` 1-12, `day` 1-31, `weekday` 0-6 (0 = Sunday).
bool cron_day_matches(const CronExpr& c, int month, int day, int weekday);

}  // namespace opsd
