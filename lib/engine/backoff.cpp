#include "engine/backoff.hpp"

#include <algorithm>
#include <cstdint>

#include "engine/resume_policy.hpp"

namespace opsd {

double backoff_jitter(std::string_view job_id, int streak) {
  std::uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  for (unsigned char c : job_id) mix(c);
  mix(0xff);
  for (int i = 0; i < 4; ++i) mix(static_cast<unsigned char>((streak >> (8 * i)) & 0xff));
  // A fraction in [0, 1] from the top 53 bits, then mapped onto [-j, +j].
  const double unit = static_cast<double>(h >> 11) / static_cast<double>((1ULL << 53) - 1);
  return (2.0 * unit - 1.0) * kBackoffJitter;
}

TimeMs backoff_wait(const Policy& policy, std::string_view job_id, int streak) {
  const TimeMs base = seconds(std::max<std::int64_t>(0, policy.auto_resume_backoff_seconds));
  const TimeMs cap =
      std::max(base, seconds(std::max<std::int64_t>(0, policy.auto_resume_backoff_max_seconds)));
  if (streak <= 1) return base;  // the first wait is today's flat one, unjittered
  TimeMs wait = base;
  for (int i = 1; i < streak && wait < cap; ++i) wait = std::min(cap, wait * 2);
  const double jittered = static_cast<double>(wait) * (1.0 + backoff_jitter(job_id, streak));
  return std::clamp(static_cast<TimeMs>(jittered), base, cap);
}

TimeMs next_resume_at(const Job& job, const JobRuntime& rt) {
  if (rt.state == JobState::given_up && rt.given_up_at != 0)
    return rt.given_up_at + kGivenUpCooldown;
  if (rt.state == JobState::backoff && rt.last_auto_resume_at != 0)
    return rt.last_auto_resume_at + backoff_wait(job.policy, job.id, rt.resume_streak);
  return 0;
}

bool track_health(const Policy& policy, JobRuntime& rt, bool probe_ok, TimeMs now) {
  if (!probe_ok || rt.state != JobState::running || !rt.running) {
    rt.healthy_since = 0;
    return false;
  }
  if (rt.healthy_since == 0) {
    rt.healthy_since = now;
    return false;
  }
  if (rt.resume_streak == 0) return false;
  const bool long_enough =
      now - rt.healthy_since >= seconds(std::max<std::int64_t>(0, policy.healthy_after_seconds));
  const bool moved = rt.progress_key.empty() || rt.last_progress_at > rt.healthy_since;
  if (!long_enough || !moved) return false;
  rt.resume_streak = 0;
  return true;
}

}  // namespace opsd
