#include "util/clock.hpp"

#include <chrono>
#include <ctime>

namespace opsd {

TimeMs SystemClock::now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

TimeMs SystemClock::mono() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

int SystemClock::local_minute_of_day(TimeMs t) const {
  std::time_t secs = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return tm.tm_hour * 60 + tm.tm_min;
}

}  // namespace opsd
