// How a job's ratio, rate and ETA (engine/progress_rate.hpp) read for a person: the report's
// estimate line, a text progress bar, a percentage and a rate. Pure text helpers, shared by the
// reports, opsctl's status table and the live card.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "state/progress_history.hpp"
#include "util/clock.hpp"

namespace opsd {

// `cells` characters: floor(ratio * cells) of `full`, the rest `empty` ("####------"). A ratio
// outside [0, 1] is clamped.
std::string progress_bar(double ratio, std::size_t cells, std::string_view full = "#",
                         std::string_view empty = "-");

// "42%": the ratio rounded down (100% only when it is 1), so a job never shows done early.
std::string format_percent(double ratio);

// "12/s", "1.5/s", "30/min", "2.5/h": per second from 1/s, else per minute from 1/min, else per
// hour; at most 3 significant digits (no fraction from 100 up). Negative shows as 0/s.
std::string format_rate(double per_second);

// The report's estimate line: "42% · 12/s · about 1h12m left" (en; zh "42% · 12/s · 剩余约
// 1h12m"), the parts that are known; "" when the ratio is unknown.
std::string estimate_line(const ProgressEstimate& e, TimeMs now, std::string_view locale);

}  // namespace opsd
