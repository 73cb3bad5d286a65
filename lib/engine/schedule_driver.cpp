#include "engine/schedule_driver.hpp"

#include "engine/engine.hpp"
#include "engine/queue.hpp"
#include "schedule/catch_up.hpp"

namespace opsd {

std::optional<TimeMs> next_schedule_deadline(const Config& config, const State& state) {
  std::optional<TimeMs> best;
  for (const auto& job : config.jobs) {
    if (!job.schedule || !job.enabled) continue;
    auto it = state.jobs.find(job.id);
    if (it == state.jobs.end()) continue;
    const ScheduleRuntime& s = it->second.schedule;
    // Not planned yet (spec differs): the next on_timer plans it.
    const TimeMs t = s.spec != job.schedule->spec ? 0 : s.next_run_at;
    if (s.spec == job.schedule->spec && t == 0) continue;
    if (!best || t < *best) best = t;
  }
  return best;
}

bool scheduled_item_pending(const State& state, std::string_view job_id) {
  for (const QueueItem& q : state.queue)
    if (q.job_id == job_id && q.status == QueueStatus::pending &&
        (q.source == kScheduleSource || q.source == kCatchUpSource))
      return true;
  return false;
}

void note_once(JobRuntime& rt, const std::string& note, TimeMs now) {
  if (!rt.history.empty() && rt.history.back().reason == note) return;
  rt.history.push_back(JobEvent{now, rt.state, rt.state, note});
  while (rt.history.size() > JobRuntime::kMaxHistory) rt.history.pop_front();
}

void Engine::run_schedules(TimeMs now, Actions& out) {
  const bool at_start = !schedules_planned_;
  schedules_planned_ = true;
  for (const auto& job : config_.jobs) {
    JobRuntime& rt = state_.jobs[job.id];
    ScheduleRuntime& sr = rt.schedule;
    if (!job.schedule || !job.enabled) {
      if (!sr.spec.empty() || sr.next_run_at != 0) {
        sr = ScheduleRuntime{0, 0, sr.last_run_at, ""};
        dirty_ = true;
      }
      continue;
    }
    const Schedule& s = *job.schedule;
    // A wall clock stepped back since `every` was planned: replan from now.
    const bool stepped_back =
        s.every_seconds > 0 && sr.next_slot_at > now + seconds(s.every_seconds);
    DuePlan plan;
    if (at_start || sr.spec != s.spec || stepped_back)
      plan = plan_at_start(s, job.id, sr.next_slot_at, sr.next_run_at,
                           sr.spec == s.spec && !stepped_back, now);
    else if (sr.next_run_at != 0 && sr.next_run_at <= now)
      plan = plan_when_due(s, job.id, sr.next_slot_at, now);
    else
      continue;
    if (plan.run) run_scheduled(job, rt, plan.caught_up, now, out);
    sr.next_slot_at = plan.slot;
    sr.next_run_at = plan.due_at;
    sr.spec = s.spec;
    dirty_ = true;
  }
}

void Engine::run_scheduled(const Job& job, JobRuntime& rt, bool caught_up, TimeMs now,
                           Actions& out) {
  const std::string why = caught_up ? "missed while opsd was down" : "due";
  if (job.kind == JobKind::one_shot_read) {
    if (scheduled_item_pending(state_, job.id)) return;  // the last due run still waits
    Outcome o =
        decide_enqueue(job.id, now, std::string(caught_up ? kCatchUpSource : kScheduleSource), now);
    if (o.ok()) rt.schedule.last_run_at = now;
    out.insert(out.end(), o.actions.begin(), o.actions.end());
    return;
  }
  if (job.kind != JobKind::long_running_read) return;
  if (rt.state == JobState::completed) {
    note_once(rt, "scheduled start skipped: the job is completed", now);
    return;
  }
  Outcome o = decide_start(job.id, false, now);
  if (!o.ok()) {
    note_once(rt, "scheduled start skipped: " + o.error->message, now);
    return;
  }
  if (!rt.history.empty() && rt.history.back().to == JobState::starting &&
      rt.history.back().at == now)
    rt.history.back().reason = "scheduled start (" + why + ")";
  rt.schedule.last_run_at = now;
  out.insert(out.end(), o.actions.begin(), o.actions.end());
}

}  // namespace opsd
