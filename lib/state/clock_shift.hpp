// What a wall-clock step does to the persisted times (docs/persistence.md "Clock steps"). Pure.
// The daemon measures time on the monotonic clock (service/monotonic_wall_clock.hpp); when the
// wall clock is stepped by `delta` ms (NTP, a person, a VM restored) it re-anchors and moves
// every time below by `delta`, so that ages and deadlines keep their length while calendar
// things (schedules, quiet hours) follow the new wall time. 0 stays 0 (= never).
#pragma once

#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// Moves `t` by `delta` unless it is 0 (never).
inline void shift_time(TimeMs& t, TimeMs delta) {
  if (t != 0) t += delta;
}

// Every time a job, the queue, approvals and write chains measure an age or a deadline from:
// shifted. Not shifted: State::saved_at (rewritten at the next save) and the schedules' plans,
// which are calendar times: after a backward step they are planned again from the calendar;
// after a forward step a due time passed over runs once, as any due time that has come.
void shift_durations(State& state, TimeMs delta);

// Every outbox item's created_at and next_attempt_at (its backoff keeps its length).
void shift_durations(OutboxState& outbox, TimeMs delta);

// One job's times (JobRuntime): what shift_durations(State&) does per job.
void shift_durations(JobRuntime& rt, TimeMs delta);

// At a start: a state saved at `saved_at` that is more than `threshold` ms after `now` means
// the wall clock went back while opsd was down. Returns the step to apply (now - saved_at,
// negative: the downtime counts as none) or 0. A forward step cannot be told from downtime.
TimeMs restart_step(TimeMs saved_at, TimeMs now, TimeMs threshold);

}  // namespace opsd
