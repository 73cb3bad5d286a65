// The one place a long_running_read job changes state (docs/engine.md).
#pragma once

#include <string>

#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// True when the state machine allows `from` -> `to` (never for from == to).
bool transition_allowed(JobState from, JobState to);

// Moves `rt` to `to` at `now`, recording a JobEvent in rt.history (oldest dropped beyond
// JobRuntime::kMaxHistory). Keeps the state-owned timestamps consistent: stalled_since is set
// on entering `stalled` and cleared on leaving it, given_up_at is set on entering `given_up`,
// stop_deadline is cleared on leaving `stopping`. Returns false and changes nothing when the
// transition is not allowed.
bool transition(JobRuntime& rt, JobState to, std::string reason, TimeMs now);

}  // namespace opsd
