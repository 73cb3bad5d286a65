#include "state/clock_shift.hpp"

namespace opsd {

// Engineers adding a time field to State, JobRuntime or OutboxState: add it here (shifted) or
// to the "not shifted" list of docs/persistence.md, and to tests/unit/clock_shift_test.cpp.
void shift_durations(JobRuntime& rt, TimeMs delta) {
  shift_time(rt.last_progress_at, delta);  // stall age
  shift_time(rt.stalled_since, delta);
  shift_time(rt.probe.at, delta);  // age of the last probe
  shift_time(rt.next_poll_at, delta);
  for (TimeMs& t : rt.auto_resume_times) shift_time(t, delta);  // maxAutoResumes window
  shift_time(rt.last_auto_resume_at, delta);                    // autoResumeBackoffSeconds
  shift_time(rt.healthy_since, delta);                          // healthyAfterSeconds
  shift_time(rt.mute.set_at, delta);     // a past event; mute.until is a calendar time (not moved)
  shift_time(rt.given_up_at, delta);     // given_up cooldown
  shift_time(rt.stop_deadline, delta);   // SIGKILL escalation
  shift_time(rt.last_report_at, delta);  // reportEverySeconds
  shift_time(rt.last_alert_at, delta);   // reminder interval
  for (JobEvent& e : rt.history) shift_time(e.at, delta);
  for (ProgressSample& p : rt.progress_history.samples) shift_time(p.at, delta);  // the rate
  if (rt.progress_history.estimate.eta) shift_time(*rt.progress_history.estimate.eta, delta);
  if (rt.last_exit) shift_time(rt.last_exit->at, delta);
  for (JobRun& r : rt.runs) {
    shift_time(r.started_at, delta);
    shift_time(r.ended_at, delta);
  }
  // Calendar: a backward step would hold the next due time back by the step; plan it again.
  if (delta < 0 && !rt.schedule.spec.empty()) rt.schedule.spec.clear();
  shift_time(rt.schedule.last_run_at, delta);
}

void shift_durations(State& state, TimeMs delta) {
  if (delta == 0) return;
  for (auto& [id, rt] : state.jobs) shift_durations(rt, delta);
  for (QueueItem& q : state.queue) {
    shift_time(q.enqueued_at, delta);
    shift_time(q.not_before, delta);  // a delay: waits as long after it was queued
    shift_time(q.started_at, delta);
    shift_time(q.finished_at, delta);
  }
  for (ApprovalRecord& a : state.approvals) {
    shift_time(a.granted_at, delta);
    shift_time(a.expires_at, delta);  // the TTL keeps its length
  }
  for (WriteChain& c : state.write_chains) {
    shift_time(c.started_at, delta);
    shift_time(c.verify_started_at, delta);
  }
}

void shift_durations(OutboxState& outbox, TimeMs delta) {
  if (delta == 0) return;
  for (OutboxItem& item : outbox.items) {
    shift_time(item.created_at, delta);
    shift_time(item.next_attempt_at, delta);
    shift_time(item.not_before, delta);  // group window or card edit interval
  }
  for (auto& [job, card] : outbox.cards) shift_time(card.last_at, delta);  // cardEditSeconds
}

TimeMs restart_step(TimeMs saved_at, TimeMs now, TimeMs threshold) {
  return saved_at != 0 && now < saved_at - threshold ? now - saved_at : 0;
}

}  // namespace opsd
