// The growing auto-resume wait and its reset after healthy running (docs/engine.md
// "auto-resume"). Pure: no I/O, no clock, no random source.
#pragma once

#include <string_view>

#include "config/config.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// The wait is jittered by at most this fraction, either way.
constexpr double kBackoffJitter = 0.10;

// The jitter of the `streak`-th wait of `job_id`: a fraction in [-kBackoffJitter,
// +kBackoffJitter] from a hash (FNV-1a) of the two, so every restart of opsd agrees on it and
// jobs that crash together spread apart.
double backoff_jitter(std::string_view job_id, int streak);

// The wait after the `streak`-th auto-resume since the job last ran healthy, in ms:
// autoResumeBackoffSeconds × 2^(streak-1) up to the cap max(autoResumeBackoffSeconds,
// autoResumeBackoffMaxSeconds), jittered, then kept within [autoResumeBackoffSeconds, cap] (so
// autoResumeBackoffSeconds stays the minimum gap). The first wait (streak <= 1) is exactly
// autoResumeBackoffSeconds, as it always was.
TimeMs backoff_wait(const Policy& policy, std::string_view job_id, int streak);

// When the next automatic attempt of a job in backoff or given_up is due (wall ms); 0 when the
// job waits for no automatic attempt.
TimeMs next_resume_at(const Job& job, const JobRuntime& rt);

// Updates the healthy-running clock after a probe (`probe_ok`: it answered). Healthy = state
// running (not stalled) with an ok probe; after healthyAfterSeconds of it, with the progressKey
// moved in that time (or no progressKey at all), resume_streak starts over at 0. Returns true
// when it reset the streak.
bool track_health(const Policy& policy, JobRuntime& rt, bool probe_ok, TimeMs now);

}  // namespace opsd
