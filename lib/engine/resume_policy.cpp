#include "engine/resume_policy.hpp"

#include <algorithm>

#include "engine/backoff.hpp"
#include "engine/report_text.hpp"

namespace opsd {

namespace {

int attempts_within_window(const JobRuntime& rt, TimeMs now) {
  return static_cast<int>(std::count_if(rt.auto_resume_times.begin(), rt.auto_resume_times.end(),
                                        [&](TimeMs t) { return now - t < kResumeWindow; }));
}

}  // namespace

ResumeDecision decide_resume(const Job& job, const JobRuntime& rt, TimeMs now) {
  ResumeDecision d;
  if (job.kind != JobKind::long_running_read || rt.running || rt.completed || rt.user_stopped)
    return d;
  if (!job.policy.auto_resume) {
    d.verdict = ResumeVerdict::disabled;
    return d;
  }
  if (job.risk != Risk::read_only) {
    d.verdict = ResumeVerdict::blocked;
    return d;
  }
  if (rt.state == JobState::given_up) {
    if (now - rt.given_up_at >= kGivenUpCooldown) {
      d.verdict = ResumeVerdict::resume;
      d.after_cooldown = true;
    } else {
      d.verdict = ResumeVerdict::given_up_wait;
      d.retry_at = rt.given_up_at + kGivenUpCooldown;
    }
    d.attempts_in_window = attempts_within_window(rt, now);
    return d;
  }
  d.attempts_in_window = attempts_within_window(rt, now);
  if (d.attempts_in_window >= job.policy.max_auto_resumes) {
    d.verdict = ResumeVerdict::give_up;
    return d;
  }
  const TimeMs backoff = backoff_wait(job.policy, job.id, rt.resume_streak);
  if (rt.last_auto_resume_at != 0 && now - rt.last_auto_resume_at < backoff) {
    d.verdict = ResumeVerdict::backoff;
    d.retry_at = rt.last_auto_resume_at + backoff;
    d.wait_seconds = (backoff + 999) / 1000;
    return d;
  }
  d.verdict = ResumeVerdict::resume;
  return d;
}

void record_resume_attempt(JobRuntime& rt, TimeMs now, bool reset_window) {
  auto& times = rt.auto_resume_times;
  if (reset_window) {
    times.clear();
    rt.resume_streak = 0;
  }
  std::erase_if(times, [&](TimeMs t) { return now - t >= kResumeWindow; });
  times.push_back(now);
  rt.last_auto_resume_at = now;
  ++rt.auto_resumes_total;
  ++rt.resume_streak;
}

namespace {

// AUTORUN notes read the same in both locales and are persisted (report_text.hpp).
constexpr std::string_view kAutorunLocale = "en";

}  // namespace

std::string autorun_note(const ResumeDecision& d, const Policy& policy) {
  const std::string cap = std::to_string(policy.max_auto_resumes);
  switch (d.verdict) {
    case ResumeVerdict::not_applicable:
    case ResumeVerdict::disabled:
      return "";
    case ResumeVerdict::blocked:
      return std::string(text(Text::autorun_blocked, kAutorunLocale));
    case ResumeVerdict::backoff:
      return text(Text::autorun_backoff, kAutorunLocale, {std::to_string(d.wait_seconds)});
    case ResumeVerdict::resume:
      if (d.after_cooldown)
        return std::string(text(Text::autorun_resumed_after_cooldown, kAutorunLocale));
      return text(Text::autorun_resumed, kAutorunLocale,
                  {std::to_string(d.attempts_in_window + 1), cap});
    case ResumeVerdict::give_up:
    case ResumeVerdict::given_up_wait:
      return text(Text::autorun_given_up, kAutorunLocale, {cap});
  }
  return "";
}

}  // namespace opsd
