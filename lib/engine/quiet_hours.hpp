// Quiet hours (docs/engine.md, reports): routine progress is suppressed inside them, alerts never
// are.
#pragma once

#include "config/config.hpp"

namespace opsd {

// True when `minute_of_day` (0..1439, local time) lies in [start, end). The interval wraps
// past midnight when start > end; start == end means there are no quiet hours.
bool in_quiet_hours(const QuietHours& q, int minute_of_day);

}  // namespace opsd
