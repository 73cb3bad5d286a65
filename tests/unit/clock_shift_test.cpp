#include "state/clock_shift.hpp"

#include <catch2/catch.hpp>

using namespace opsd;

namespace {

constexpr TimeMs kT = 1'700'000'000'000;
constexpr TimeMs kD = -2 * seconds(3600);

// A job with every time field set to kT + n, n distinct.
JobRuntime timed_job() {
  JobRuntime rt;
  rt.last_progress_at = kT + 1;
  rt.stalled_since = kT + 2;
  rt.probe.at = kT + 3;
  rt.next_poll_at = kT + 4;
  rt.auto_resume_times = {kT + 5, kT + 6};
  rt.last_auto_resume_at = kT + 7;
  rt.given_up_at = kT + 8;
  rt.stop_deadline = kT + 9;
  rt.last_report_at = kT + 10;
  rt.last_alert_at = kT + 11;
  rt.history.push_back(JobEvent{kT + 12, JobState::stopped, JobState::starting, "x"});
  rt.last_exit = ExitRecord{};
  rt.last_exit->at = kT + 13;
  rt.last_exit->runtime_ms = 5000;
  JobRun run;
  run.started_at = kT + 14;
  run.ended_at = kT + 15;
  run.duration_ms = 1;
  rt.runs.push_back(run);
  rt.schedule = ScheduleRuntime{kT + 16, kT + 17, kT + 18, "every 60s"};
  return rt;
}

}  // namespace

TEST_CASE("every age and deadline of a job moves with the step", "[clock_step]") {
  JobRuntime rt = timed_job();
  shift_durations(rt, kD);
  CHECK(rt.last_progress_at == kT + 1 + kD);
  CHECK(rt.stalled_since == kT + 2 + kD);
  CHECK(rt.probe.at == kT + 3 + kD);
  CHECK(rt.next_poll_at == kT + 4 + kD);
  CHECK(rt.auto_resume_times == std::vector<TimeMs>{kT + 5 + kD, kT + 6 + kD});
  CHECK(rt.last_auto_resume_at == kT + 7 + kD);
  CHECK(rt.given_up_at == kT + 8 + kD);
  CHECK(rt.stop_deadline == kT + 9 + kD);
  CHECK(rt.last_report_at == kT + 10 + kD);
  CHECK(rt.last_alert_at == kT + 11 + kD);
  CHECK(rt.history.back().at == kT + 12 + kD);
  CHECK(rt.last_exit->at == kT + 13 + kD);
  CHECK(rt.last_exit->runtime_ms == 5000);  // a length, not a time
  CHECK(rt.runs.back().started_at == kT + 14 + kD);
  CHECK(rt.runs.back().ended_at == kT + 15 + kD);
  CHECK(rt.runs.back().duration_ms == 1);
  CHECK(rt.schedule.last_run_at == kT + 18 + kD);
}

TEST_CASE("never (0) stays never", "[clock_step]") {
  JobRuntime rt;
  shift_durations(rt, kD);
  CHECK(rt == JobRuntime{});
}

TEST_CASE("a schedule's plan is calendar time: replanned after a backward step only",
          "[clock_step]") {
  JobRuntime back = timed_job();
  shift_durations(back, kD);
  CHECK(back.schedule.next_slot_at == kT + 16);
  CHECK(back.schedule.next_run_at == kT + 17);
  CHECK(back.schedule.spec.empty());  // the engine plans it again from the calendar
  JobRuntime fwd = timed_job();
  shift_durations(fwd, -kD);
  CHECK(fwd.schedule.next_run_at == kT + 17);  // passed over: due at once, runs once
  CHECK(fwd.schedule.spec == "every 60s");
}

TEST_CASE("queue, approvals and write chains keep their waits", "[clock_step]") {
  State s;
  s.jobs["a"] = timed_job();
  QueueItem q;
  q.enqueued_at = kT;
  q.not_before = kT + 60'000;
  s.queue.push_back(q);
  ApprovalRecord a;
  a.granted_at = kT;
  a.expires_at = kT + seconds(3600);
  s.approvals.push_back(a);
  WriteChain c;
  c.started_at = kT;
  s.write_chains.push_back(c);
  s.saved_at = kT;
  shift_durations(s, -kD);
  CHECK(s.jobs["a"].last_progress_at == kT + 1 - kD);
  CHECK(s.queue[0].enqueued_at == kT - kD);
  CHECK(s.queue[0].not_before == kT + 60'000 - kD);
  CHECK(s.queue[0].started_at == 0);
  CHECK(s.approvals[0].expires_at - s.approvals[0].granted_at == seconds(3600));
  CHECK(s.approvals[0].expires_at == kT + seconds(3600) - kD);
  CHECK(s.write_chains[0].started_at == kT - kD);
  CHECK(s.write_chains[0].verify_started_at == 0);
  CHECK(s.saved_at == kT);
}

TEST_CASE("outbox waits keep their length", "[clock_step]") {
  OutboxState o;
  OutboxItem a;
  a.seq = 1;
  a.created_at = kT;
  a.attempts = 3;
  a.next_attempt_at = kT + 4000;
  OutboxItem b;
  b.seq = 2;
  b.created_at = kT + 1;
  o.items.push_back(a);
  o.items.push_back(b);
  shift_durations(o, kD);
  CHECK(o.items[0].created_at == kT + kD);
  CHECK(o.items[0].next_attempt_at == kT + 4000 + kD);
  CHECK(o.items[1].next_attempt_at == 0);
}

TEST_CASE("a start after the wall clock went back below the last save is a step", "[clock_step]") {
  CHECK(restart_step(kT, kT - seconds(7200), seconds(2)) == -seconds(7200));
  CHECK(restart_step(kT, kT - seconds(1), seconds(2)) == 0);
  CHECK(restart_step(kT, kT + seconds(7200), seconds(2)) == 0);  // downtime, or a forward step
  CHECK(restart_step(0, kT, seconds(2)) == 0);                   // never saved
}

TEST_CASE("policy, mute and progress times: durations move, the mute's end does not",
          "[clock_step]") {
  JobRuntime rt;
  rt.healthy_since = kT + 1;
  rt.mute = MuteRecord{kT + 2, "n", kT + 3, 0};
  rt.progress_history.samples.push_back(ProgressSample{kT + 4, 1, 10});
  rt.progress_history.estimate.eta = kT + 5;
  shift_durations(rt, kD);
  CHECK(rt.healthy_since == kT + 1 + kD);
  CHECK(rt.mute.until == kT + 2);  // "MUTED until 14:20" is a time of day
  CHECK(rt.mute.set_at == kT + 3 + kD);
  CHECK(rt.progress_history.samples.front().at == kT + 4 + kD);
  CHECK(rt.progress_history.estimate.eta == kT + 5 + kD);
}

TEST_CASE("an outbox item's hold and a card's last edit move with the step", "[clock_step]") {
  OutboxState o;
  OutboxItem item;
  item.not_before = kT + 1;
  o.items.push_back(item);
  o.cards["scan"] = CardRecord{"42", "7", kT + 2};
  shift_durations(o, kD);
  CHECK(o.items.front().not_before == kT + 1 + kD);
  CHECK(o.cards.at("scan").last_at == kT + 2 + kD);
}
