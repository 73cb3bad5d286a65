#include "schedule/cron_next.hpp"

#include <chrono>

#include <cctz/civil_time.h>

namespace opsd {

namespace {

using Seconds = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

std::int64_t to_unix(const Seconds& t) { return t.time_since_epoch().count(); }

Seconds from_unix(std::int64_t s) { return Seconds(std::chrono::seconds(s)); }

int weekday_index(cctz::weekday w) {
  switch (w) {
    case cctz::weekday::sunday:
      return 0;
    case cctz::weekday::monday:
      return 1;
    case cctz::weekday::tuesday:
      return 2;
    case cctz::weekday::wednesday:
      return 3;
    case cctz::weekday::thursday:
      return 4;
    case cctz::weekday::friday:
      return 5;
    case cctz::weekday::saturday:
      return 6;
  }
  return 0;
}

// The instant a local minute runs at: its first occurrence, or the end of the gap it falls in.
std::int64_t run_instant(const cctz::time_zone& zone, const cctz::civil_minute& m) {
  const cctz::time_zone::civil_lookup l = zone.lookup(cctz::civil_second(m));
  switch (l.kind) {
    case cctz::time_zone::civil_lookup::SKIPPED:
      return to_unix(l.trans);
    case cctz::time_zone::civil_lookup::REPEATED:
      return to_unix(l.pre);
    default:
      return to_unix(l.pre);
  }
}

}  // namespace

std::optional<TimeMs> next_cron_time(const CronExpr& c, const cctz::time_zone& zone, TimeMs after) {
  // Floor to whole seconds; "strictly after" holds for the second `after` lies in.
  const std::int64_t after_s = after >= 0 ? after / 1000 : -((-after + 999) / 1000);
  // Start kLookBack local minutes early: a gap or repeat (at most 2 h in any zone)
  // may map an earlier local minute past `after`. Local minutes are scanned in order, and
  // their run instants never decrease.
  constexpr int kLookBack = 3 * 60;
  const cctz::civil_minute start =
      cctz::civil_minute(cctz::convert(from_unix(after_s), zone)) - kLookBack;
  cctz::civil_day day(start);
  const cctz::civil_day last = day + 366 * kCronHorizonYears;
  for (; day <= last; ++day) {
    if (!cron_day_matches(c, day.month(), day.day(), weekday_index(cctz::get_weekday(day))))
      continue;
    for (int h = 0; h < 24; ++h) {
      if (!c.hours[static_cast<std::size_t>(h)]) continue;
      for (int mi = 0; mi < 60; ++mi) {
        if (!c.minutes[static_cast<std::size_t>(mi)]) continue;
        const cctz::civil_minute m(day.year(), day.month(), day.day(), h, mi);
        if (m < start) continue;
        const std::int64_t at = run_instant(zone, m);
        if (at > after_s) return at * 1000;
      }
    }
  }
  return std::nullopt;
}

}  // namespace opsd
