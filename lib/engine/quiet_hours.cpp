#include "engine/quiet_hours.hpp"

namespace opsd {

bool in_quiet_hours(const QuietHours& q, int minute_of_day) {
  if (q.start_minute == q.end_minute) return false;
  if (q.start_minute < q.end_minute)
    return minute_of_day >= q.start_minute && minute_of_day < q.end_minute;
  return minute_of_day >= q.start_minute || minute_of_day < q.end_minute;
}

}  // namespace opsd
