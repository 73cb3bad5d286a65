// Schedule durations ("30s", "15m", "6h", "1d", "1h30m"): `schedule.every` in ops-jobs.json.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace opsd {

// Longest accepted duration: 366 days, in seconds.
constexpr std::int64_t kMaxScheduleSeconds = 366LL * 86400;

// One or more <integer><unit> parts, unit s|m|h|d (each unit once, largest first), no spaces
// inside; at least 1 s and at most kMaxScheduleSeconds. Returns seconds, or an Error naming the
// offending part ("\"15x\": unknown unit 'x' (use s, m, h or d)").
Result<std::int64_t> parse_schedule_duration(std::string_view text);

// The shortest text parse_schedule_duration reads back as `seconds` (> 0): 5400 -> "1h30m".
std::string format_schedule_duration(std::int64_t seconds);

}  // namespace opsd
