// The daemon's clock: wall-clock time that advances with the monotonic clock, so that a step of
// the wall clock (NTP, a person, a VM restored) neither stretches nor cuts an age or a deadline
// (docs/persistence.md "Clock steps").
#pragma once

#include "util/clock.hpp"

namespace opsd {

// A wall-clock difference beyond this is a step; below it, slewing (NTP adjusts the rate).
inline constexpr TimeMs kClockStepThreshold = seconds(2);

// now() = wall anchor + (source.mono() - mono anchor). The anchor is the source's wall time
// when the clock was made and at each check_step(). mono() and local_minute_of_day() are the
// source's. `source` must outlive the clock.
class MonotonicWallClock final : public Clock {
 public:
  explicit MonotonicWallClock(const Clock& source, TimeMs threshold = kClockStepThreshold);

  TimeMs now() const override;
  TimeMs mono() const override;
  int local_minute_of_day(TimeMs t) const override;

  // Compares now() with the source's wall clock and re-anchors to it. Returns the step in ms
  // (source wall - now(), negative = stepped back) when the two differ by more than the
  // threshold, else 0 (a drift that small is absorbed silently). The caller moves every
  // persisted time by the step (state/clock_shift.hpp) before it next uses now().
  TimeMs check_step();

 private:
  const Clock& source_;
  TimeMs threshold_;
  TimeMs wall_anchor_;
  TimeMs mono_anchor_;
};

}  // namespace opsd
