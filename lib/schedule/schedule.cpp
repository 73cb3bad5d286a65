#include "schedule/schedule.hpp"

#include "schedule/cron_next.hpp"
#include "schedule/duration.hpp"

namespace opsd {

std::optional<TimeMs> next_slot(const Schedule& s, TimeMs after) {
  if (s.every_seconds > 0) {
    const TimeMs period = seconds(s.every_seconds);
    const TimeMs k = after >= 0 ? after / period : -((-after + period - 1) / period);
    return (k + 1) * period;
  }
  return next_cron_time(s.cron, s.zone, after);
}

std::string describe(const Schedule& s) {
  std::string out;
  if (s.every_seconds > 0)
    out = "every " + format_schedule_duration(s.every_seconds);
  else
    out = "cron " + s.cron.text + (s.timezone.empty() ? " (local time)" : " " + s.timezone);
  if (s.jitter_seconds > 0) out += " jitter " + std::to_string(s.jitter_seconds) + "s";
  if (s.catch_up == CatchUp::skip) out += " catchUp skip";
  return out;
}

}  // namespace opsd
