// A job's `schedule` (ops-jobs.json): when it is due. Plain data plus the pure next-due rule;
// reading it from JSON lives in config/schedule_loader.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <cctz/time_zone.h>

#include "schedule/cron_expr.hpp"
#include "util/clock.hpp"

namespace opsd {

enum class CatchUp { once, skip };

struct Schedule {
  // Exactly one of every_seconds (> 0) and cron is used: every_seconds == 0 means cron.
  std::int64_t every_seconds = 0;    // every: runs at the Unix epoch + k * every_seconds (UTC)
  CronExpr cron;                     // cron: five fields, in `zone`
  std::string timezone;              // as written; "" = the host's local time
  cctz::time_zone zone;              // loaded at config time (cctz, the system's tzdata)
  std::int64_t jitter_seconds = 0;   // jitterSeconds [0]: each run is delayed by 0..this
  CatchUp catch_up = CatchUp::once;  // catchUp ["once"]: missed due times while opsd was down
  // Canonical text of everything above ("every 15m", "cron 0 3 * * * Europe/Berlin jitter 30
  // catchUp skip"): persisted with the next due time so a changed schedule is replanned.
  std::string spec;

  bool operator==(const Schedule& o) const { return spec == o.spec && zone == o.zone; }
};

// The next slot (unjittered due time, wall ms) strictly after `after`; nullopt when the cron
// expression never matches (cron_next.hpp).
std::optional<TimeMs> next_slot(const Schedule& s, TimeMs after);

// The spec text for `s` (fills nothing; the loader stores it in Schedule::spec).
std::string describe(const Schedule& s);

}  // namespace opsd
