// How long something ran, for people: "0.4s", "12s", "3m 12s", "1h 02m", "2d 3h". Pure.
#pragma once

#include <string>

#include "util/clock.hpp"

namespace opsd {

// Below 10 s with one decimal (rounded down); negative durations show as "0.0s".
std::string format_run_time(TimeMs ms);

}  // namespace opsd
