// Engine: policy.onStall "restart" (docs/engine.md "restart on stall"): a stalled
// long_running_read + read_only job with autoResume is stopped with the usual escalation and
// resumed from its checkpoint, as an auto-resume counted against maxAutoResumes.
#include <algorithm>

#include "engine/engine.hpp"
#include "engine/report_text.hpp"
#include "engine/resume_policy.hpp"
#include "engine/transitions.hpp"

namespace opsd {

namespace {

int attempts_within_hour(const JobRuntime& rt, TimeMs now) {
  return static_cast<int>(std::count_if(rt.auto_resume_times.begin(), rt.auto_resume_times.end(),
                                        [&](TimeMs t) { return now - t < kResumeWindow; }));
}

bool restart_applies(const Job& job) {
  return job.policy.on_stall == OnStall::restart && job.kind == JobKind::long_running_read &&
         job.risk == Risk::read_only && job.policy.auto_resume;
}

}  // namespace

std::optional<std::string> Engine::restart_if_stalled(const Job& job, JobRuntime& rt, TimeMs now,
                                                      Actions& out) {
  if (rt.state != JobState::stalled || !restart_applies(job) || rt.user_stopped)
    return std::nullopt;
  const std::string cap = std::to_string(job.policy.max_auto_resumes);
  const int attempts = attempts_within_hour(rt, now);
  if (attempts >= job.policy.max_auto_resumes)
    return text(Text::autorun_stall_restart_capped, locale(), {cap});
  if (job.commands.stop.empty() && !rt.owned_pid && !rt.pid) return std::nullopt;  // no way
  transition(rt, JobState::stopping, "restart on stall", now);
  rt.restart_on_stall = true;
  rt.stop_deadline = now + seconds(std::max<std::int64_t>(0, job.policy.stop_timeout_seconds));
  schedule_poll(job, rt, now);
  dirty_ = true;
  out.push_back(LaunchStop{job.id, rt.pid});
  return text(Text::autorun_stall_restarting, locale(), {std::to_string(attempts + 1), cap});
}

std::string Engine::resume_after_stall(const Job& job, JobRuntime& rt, TimeMs now, Actions& out) {
  rt.restart_on_stall = false;
  transition(rt, JobState::stopped, "stopped for a restart on stall", now);
  const ResumeDecision d = decide_resume(job, rt, now);
  switch (d.verdict) {
    case ResumeVerdict::resume:
      record_resume_attempt(rt, now, d.after_cooldown);
      transition(rt, JobState::starting, "restart on stall", now);
      rt.last_progress_at = now;
      out.push_back(LaunchStart{job.id});
      return text(
          Text::autorun_stall_restarted, locale(),
          {std::to_string(d.attempts_in_window + 1), std::to_string(job.policy.max_auto_resumes)});
    case ResumeVerdict::backoff:
      transition(rt, JobState::backoff, "restart on stall after the backoff", now);
      break;
    case ResumeVerdict::give_up:
      if (transition(rt, JobState::given_up, "maxAutoResumes reached within 1h", now))
        enqueue_after(job, false, now, out);
      break;
    default:
      break;
  }
  return autorun_note(d, job.policy);
}

}  // namespace opsd
