#include "service/monotonic_wall_clock.hpp"

namespace opsd {

MonotonicWallClock::MonotonicWallClock(const Clock& source, TimeMs threshold)
    : source_(source),
      threshold_(threshold),
      wall_anchor_(source.now()),
      mono_anchor_(source.mono()) {}

TimeMs MonotonicWallClock::now() const { return wall_anchor_ + (source_.mono() - mono_anchor_); }

TimeMs MonotonicWallClock::mono() const { return source_.mono(); }

int MonotonicWallClock::local_minute_of_day(TimeMs t) const {
  return source_.local_minute_of_day(t);
}

TimeMs MonotonicWallClock::check_step() {
  const TimeMs mono = source_.mono();
  const TimeMs wall = source_.now();
  const TimeMs delta = wall - (wall_anchor_ + (mono - mono_anchor_));
  wall_anchor_ = wall;
  mono_anchor_ = mono;
  return delta > threshold_ || delta < -threshold_ ? delta : 0;
}

}  // namespace opsd
