// What opsd remembers about a job's schedule (persisted in the job's "schedule" object).
// All times wall ms, 0 = none.
#pragma once

#include <string>

#include "util/clock.hpp"

namespace opsd {

struct ScheduleRuntime {
  TimeMs next_slot_at = 0;  // the next slot of the schedule, before jitter
  TimeMs next_run_at = 0;   // when it runs: next_slot_at + jitter
  TimeMs last_run_at = 0;   // when a due time last ran the job (enqueued or started it)
  std::string spec;         // Schedule::spec that planned next_slot_at ("" = not planned)

  bool operator==(const ScheduleRuntime&) const = default;
};

}  // namespace opsd
