// Time for the whole program. Engine logic never reads a clock itself: it takes `now`.
#pragma once

#include <cstdint>

namespace opsd {

// Wall-clock milliseconds since the Unix epoch. Persisted times use this unit.
using TimeMs = std::int64_t;

constexpr TimeMs kSecond = 1000;
constexpr TimeMs seconds(std::int64_t s) { return s * kSecond; }

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (may jump); used for persisted times, display and quiet hours.
  virtual TimeMs now() const = 0;
  // Monotonic milliseconds (never jumps backwards); for measuring intervals within a run.
  virtual TimeMs mono() const = 0;
  // Minute of the local day (0..1439) at `t`, for quiet hours.
  virtual int local_minute_of_day(TimeMs t) const = 0;
};

// The real clocks: system_clock, steady_clock and localtime_r.
class SystemClock final : public Clock {
 public:
  TimeMs now() const override;
  TimeMs mono() const override;
  int local_minute_of_day(TimeMs t) const override;
};

}  // namespace opsd
