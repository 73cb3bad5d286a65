// Which due time comes next, and whether to run now: at startup (catch-up after downtime) and
// when a due time is reached. Pure: the persisted marks and `now` in, a plan out.
#pragma once

#include <string_view>

#include "schedule/schedule.hpp"

namespace opsd {

struct DuePlan {
  bool run = false;        // run the job now
  bool caught_up = false;  // `run` is for due times missed while opsd was down (catchUp once)
  TimeMs slot = 0;         // the next slot (0 = none: the expression never matches)
  TimeMs due_at = 0;       // slot + jitter: when it runs
};

// At startup or when the schedule changed. `due_at`/`slot` as persisted (0 = none);
// `same_spec`: they were planned by this very schedule. A missed due time (due_at <= now) runs
// once now with catchUp "once", or is dropped with "skip"; either way the next slot is after
// `now`, so a long downtime gives at most one run. A new or changed schedule waits for its
// first slot.
DuePlan plan_at_start(const Schedule& s, std::string_view job_id, TimeMs slot, TimeMs due_at,
                      bool same_spec, TimeMs now);

// While opsd runs and `due_at` (of `slot`) has come (due_at <= now): run now; the next slot
// follows `slot`, or follows `now` when that one is already past too (one run, no burst).
DuePlan plan_when_due(const Schedule& s, std::string_view job_id, TimeMs slot, TimeMs now);

}  // namespace opsd
