// When a cron expression is next due, in a time zone (cctz, from the system's tzdata).
#pragma once

#include <optional>

#include <cctz/time_zone.h>

#include "schedule/cron_expr.hpp"
#include "util/clock.hpp"

namespace opsd {

// How far ahead next_cron_time looks (an expression like "0 0 30 2 *" never matches).
constexpr int kCronHorizonYears = 10;

// The first due time strictly after `after` (wall ms), at a whole minute. Local times that do
// not exist (a daylight-saving gap) run once at the first valid minute after the gap; local
// times that happen twice run once, at their first occurrence. nullopt: no match within
// kCronHorizonYears.
std::optional<TimeMs> next_cron_time(const CronExpr& c, const cctz::time_zone& zone, TimeMs after);

}  // namespace opsd
