// Auto-resume decisions for long_running_read jobs (docs/engine.md "auto-resume"). Pure: no I/O.
#pragma once

#include <string>

#include "config/config.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// maxAutoResumes counts attempts within this rolling window.
constexpr TimeMs kResumeWindow = seconds(3600);
// A given_up job is retried once this long after it gave up.
constexpr TimeMs kGivenUpCooldown = seconds(3600);

enum class ResumeVerdict {
  not_applicable,  // not long_running_read, running or completed, or stopped by a person
  disabled,        // autoResume is false: a person decides
  blocked,         // autoResume is true but risk != read_only
  backoff,         // wait until retry_at (backoff_wait after the last attempt, backoff.hpp)
  resume,          // start it now
  give_up,         // maxAutoResumes reached within the window: go to given_up
  given_up_wait,   // already given up; the cooldown ends at retry_at
};

struct ResumeDecision {
  ResumeVerdict verdict = ResumeVerdict::not_applicable;
  TimeMs retry_at = 0;            // backoff / given_up_wait: when to decide again
  int attempts_in_window = 0;     // attempts within kResumeWindow before this decision
  bool after_cooldown = false;    // resume: a given_up job whose cooldown ended
  std::int64_t wait_seconds = 0;  // backoff: the current wait (s, rounded up)
};

// Decides from the job's config and its last known status (rt.running, rt.completed) whether
// an auto-resume may happen at `now`.
ResumeDecision decide_resume(const Job& job, const JobRuntime& rt, TimeMs now);

// Records an attempt at `now`: prunes attempts older than kResumeWindow (all of them when
// `reset_window`, which also starts resume_streak over), appends `now`, sets
// last_auto_resume_at, counts auto_resumes_total and resume_streak.
void record_resume_attempt(JobRuntime& rt, TimeMs now, bool reset_window);

// The AUTORUN line for a decision ("" for not_applicable and disabled). The text depends only
// on the verdict and the counts, so an unchanged situation yields the same note (reported once).
std::string autorun_note(const ResumeDecision& d, const Policy& policy);

}  // namespace opsd
