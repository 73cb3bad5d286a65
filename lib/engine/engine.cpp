// Engine core: construction, scheduling, startup/shutdown, tick, reload, snapshot.
// Long-running jobs: engine_long.cpp. One-shot jobs, queue, approvals: engine_one_shot.cpp.
#include "engine/engine.hpp"

#include <algorithm>
#include <utility>

#include "config/fingerprint.hpp"
#include "engine/backoff.hpp"
#include "engine/job_report.hpp"
#include "engine/queue.hpp"
#include "engine/quiet_hours.hpp"
#include "engine/report_policy.hpp"
#include "engine/resume_policy.hpp"
#include "engine/schedule_driver.hpp"

namespace opsd {

namespace {

// A freshly started or stopping job is probed this soon instead of after pollSeconds.
constexpr TimeMs kQuickProbe = seconds(5);

int utc_minute_of_day(TimeMs t) {
  const TimeMs minutes = t / 60000;
  return static_cast<int>(((minutes % 1440) + 1440) % 1440);
}

void consider(std::optional<TimeMs>& best, TimeMs t) {
  if (!best || t < *best) best = t;
}

// Deadlines are wall ms. No schedule puts the next poll further than pollSeconds +
// statusTimeoutSeconds, nor the SIGKILL further than stopTimeoutSeconds, from the time it was
// set; anything beyond that means the wall clock was stepped back since. They are then
// measured from `now` again, so that a clock moved back by hours does not stop polling.
// Returns true when it changed something.
bool pull_in_after_clock_step(const Job& job, JobRuntime& rt, TimeMs now) {
  bool changed = false;
  const TimeMs poll_horizon =
      now + seconds(std::max<std::int64_t>(1, job.policy.poll_seconds) +
                    std::max<std::int64_t>(1, job.policy.status_timeout_seconds));
  if (rt.next_poll_at > poll_horizon) {
    rt.next_poll_at = now;
    changed = true;
  }
  const TimeMs stop_horizon =
      now + seconds(std::max<std::int64_t>(0, job.policy.stop_timeout_seconds));
  if (rt.stop_deadline > stop_horizon) {
    rt.stop_deadline = stop_horizon;
    changed = true;
  }
  return changed;
}

}  // namespace

Engine::Engine(Config config, State state)
    : config_(std::move(config)), state_(std::move(state)), local_minute_(utc_minute_of_day) {
  std::erase_if(state_.jobs, [&](const auto& kv) { return config_.find(kv.first) == nullptr; });
  for (const auto& job : config_.jobs) state_.jobs.try_emplace(job.id);
}

void Engine::set_local_time(std::function<int(TimeMs)> local_minute) {
  local_minute_ = local_minute ? std::move(local_minute) : utc_minute_of_day;
}

void Engine::set_local_time(const Clock& clock) {
  local_minute_ = [&clock](TimeMs t) { return clock.local_minute_of_day(t); };
}

std::string Engine::fingerprint(const Job& job) const { return job_fingerprint(job); }

JobRuntime* Engine::long_runtime(const std::string& job_id, const Job** job) {
  const Job* j = config_.find(job_id);
  if (!j || j->kind != JobKind::long_running_read) return nullptr;
  auto it = state_.jobs.find(job_id);
  if (it == state_.jobs.end()) return nullptr;
  if (job) *job = j;
  return &it->second;
}

bool Engine::polled(const Job& job, const JobRuntime& rt) const {
  if (job.kind != JobKind::long_running_read) return false;
  switch (rt.state) {
    case JobState::starting:
    case JobState::running:
    case JobState::stalled:
    case JobState::stopping:
    case JobState::backoff:
    case JobState::given_up:
      return true;
    default:
      return job.enabled;
  }
}

bool Engine::wants_running(const Job& job, const JobRuntime& rt) const {
  if (rt.user_stopped) return false;
  return job.enabled || (rt.state != JobState::stopped && rt.state != JobState::completed);
}

bool Engine::quiet(const Job& job, TimeMs now) const {
  return in_quiet_hours(job.policy.quiet_hours, local_minute_(now));
}

void Engine::schedule_poll(const Job& job, JobRuntime& rt, TimeMs now) {
  TimeMs next = now + seconds(std::max<std::int64_t>(1, job.policy.poll_seconds));
  if (rt.state == JobState::starting || rt.state == JobState::stopping)
    next = std::min(next, now + kQuickProbe);
  if (const TimeMs due = next_resume_at(job, rt)) next = std::min(next, due);  // backoff, given_up
  rt.next_poll_at = std::max(next, now);
}

void Engine::launch_probe(const Job& job, JobRuntime& rt, TimeMs now, Actions& out) {
  if (probing_.contains(job.id)) {
    probe_again_.insert(job.id);
    return;
  }
  probing_.insert(job.id);
  // Guard: should the reply never come, probe again after the probe's own timeout.
  rt.next_poll_at = now + seconds(std::max<std::int64_t>(1, job.policy.poll_seconds) +
                                  std::max<std::int64_t>(1, job.policy.status_timeout_seconds));
  out.push_back(LaunchProbe{job.id});
}

Actions Engine::decide_startup(TimeMs now) {
  Actions out;
  requeue_interrupted(state_);
  for (const auto& job : config_.jobs) {
    JobRuntime& rt = state_.jobs[job.id];
    if (adopt_at_startup_.contains(job.id) && rt.owned_pid) {
      rt.owned.adopted = true;  // the daemon checked its identity and watches it (on_startup)
    } else {
      rt.owned_pid.reset();  // children of a previous daemon are not ours
      rt.owned = {};
    }
    // A definition edited while opsd was down voids its approvals for good.
    if (job.kind == JobKind::one_shot_write &&
        void_changed_approvals(state_, job, fingerprint(job)))
      dirty_ = true;
    if (job.kind != JobKind::long_running_read) continue;
    if (rt.state == JobState::stopping) {
      rt.stop_deadline = now + seconds(std::max<std::int64_t>(0, job.policy.stop_timeout_seconds));
      out.push_back(LaunchStop{job.id, rt.pid});
    }
    if (polled(job, rt)) rt.next_poll_at = now;
  }
  restore_chains(now, out);
  dirty_ = true;
  Actions due = decide_timer(now);
  out.insert(out.end(), due.begin(), due.end());
  return out;
}

Actions Engine::decide_shutdown(TimeMs /*now*/) {
  Actions out;
  shutting_down_ = true;
  for (const auto& [id, rt] : state_.jobs)
    if (rt.owned_pid) out.push_back(LaunchStop{id, rt.pid});
  return out;
}

Actions Engine::decide_timer(TimeMs now) {
  Actions out;
  if (shutting_down_) return out;
  for (const auto& job : config_.jobs) {
    if (job.kind != JobKind::long_running_read) continue;
    JobRuntime& rt = state_.jobs[job.id];
    if (pull_in_after_clock_step(job, rt, now)) dirty_ = true;
    if (rt.state == JobState::stopping && rt.stop_deadline != 0 && now >= rt.stop_deadline) {
      rt.stop_deadline = 0;  // escalate once
      out.push_back(KillJob{job.id, rt.pid});
      rt.next_poll_at = std::min(rt.next_poll_at, now + kQuickProbe);
      dirty_ = true;
    }
    if (polled(job, rt) && rt.next_poll_at <= now) {
      probing_.erase(job.id);  // past the guard time a reply that never came counts as lost
      launch_probe(job, rt, now, out);
    }
  }
  run_schedules(now, out);
  run_queue(now, out);
  return out;
}

std::optional<TimeMs> Engine::next_deadline() const {
  std::optional<TimeMs> best;
  if (shutting_down_) return best;
  for (const auto& job : config_.jobs) {
    auto it = state_.jobs.find(job.id);
    if (it == state_.jobs.end() || job.kind != JobKind::long_running_read) continue;
    const JobRuntime& rt = it->second;
    if (polled(job, rt)) consider(best, rt.next_poll_at);
    if (rt.state == JobState::stopping && rt.stop_deadline != 0) consider(best, rt.stop_deadline);
  }
  if (auto q = next_queue_deadline(state_)) consider(best, *q);
  if (auto s = next_schedule_deadline(config_, state_)) consider(best, *s);
  return best;
}

Actions Engine::decide_tick(TimeMs now) {
  Actions out;
  if (shutting_down_) return out;
  for (const auto& job : config_.jobs) {
    JobRuntime& rt = state_.jobs[job.id];
    if (polled(job, rt)) launch_probe(job, rt, now, out);
  }
  run_queue(now, out);
  return out;
}

ReloadSummary Engine::decide_reload(Config config, TimeMs now) {
  ReloadSummary sum;
  for (const auto& old : config_.jobs) {
    if (config.find(old.id)) continue;
    sum.removed.push_back(old.id);
    auto it = state_.jobs.find(old.id);
    if (it != state_.jobs.end()) {
      if (it->second.owned_pid) sum.actions.push_back(LaunchStop{old.id, it->second.pid});
      state_.jobs.erase(it);
    }
    probing_.erase(old.id);
    probe_again_.erase(old.id);
    for (auto& item : state_.queue)
      if (item.job_id == old.id && item.status == QueueStatus::pending)
        skip_item(item, "job removed from the config", now);
  }
  for (const auto& job : config.jobs) {
    const Job* old = config_.find(job.id);
    if (old && *old == job) continue;
    (old ? sum.changed : sum.added).push_back(job.id);
    if (job.kind == JobKind::one_shot_write) void_changed_approvals(state_, job, fingerprint(job));
    JobRuntime& rt = state_.jobs[job.id];
    if (!old)
      rt.next_poll_at = now;
    else
      rt.next_poll_at = std::min(rt.next_poll_at,
                                 now + seconds(std::max<std::int64_t>(1, job.policy.poll_seconds)));
  }
  config_ = std::move(config);
  // An unchanged job list leaves the state as it was: nothing to write (at 100,000 jobs the
  // write is most of a reload's step).
  if (!sum.added.empty() || !sum.removed.empty() || !sum.changed.empty()) dirty_ = true;
  Actions due = decide_timer(now);
  sum.actions.insert(sum.actions.end(), due.begin(), due.end());
  return sum;
}

std::vector<ReportSection> Engine::snapshot() const {
  std::vector<ReportSection> out;
  for (const auto& job : config_.jobs) {
    auto it = state_.jobs.find(job.id);
    if (job.kind == JobKind::long_running_read && it != state_.jobs.end())
      out.push_back(long_job_section(job, it->second));
  }
  return out;
}

void Engine::audit(std::string event, const Job& job, std::int64_t uid,
                   std::optional<int> exit_code, std::string note, TimeMs now) {
  audit_.push_back(audit_event(std::move(event), job.id, fingerprint(job), uid, exit_code,
                               std::move(note), now));
}

}  // namespace opsd
