// Engine: long_running_read jobs — probes, stalls, auto-resume, start and stop.
#include <algorithm>

#include <utility>

#include "engine/backoff.hpp"
#include "engine/card_report.hpp"
#include "engine/engine.hpp"
#include "engine/job_report.hpp"
#include "engine/mute.hpp"
#include "engine/progress_rate.hpp"
#include "engine/progress_text.hpp"
#include "engine/report_policy.hpp"
#include "engine/resume_policy.hpp"
#include "engine/transitions.hpp"

namespace opsd {

namespace {

bool active(JobState s) {
  return s == JobState::starting || s == JobState::running || s == JobState::stalled;
}

}  // namespace

Actions Engine::decide_probe_result(const std::string& job_id, const ProbeResult& result,
                                    TimeMs now) {
  Actions out;
  const Job* job = nullptr;
  JobRuntime* rt = long_runtime(job_id, &job);
  if (shutting_down_ || !rt) return out;
  // Most probes find nothing new: then only the probe's own times change, and the state
  // file (every job) is not rewritten for them. Anything else marks it dirty.
  JobRuntime before = *rt;
  const std::uint64_t next_queue_id = state_.next_queue_id;
  probing_.erase(job_id);
  if (!result.report) {
    // A probe failure is recorded and never changes the job's state.
    rt->probe.ok = false;
    rt->probe.error = result.error.empty() ? "probe failed" : result.error;
    rt->probe.at = now;
    ++rt->probe.consecutive_failures;
    track_health(job->policy, *rt, false, now);
    schedule_poll(*job, *rt, now);
    if (rt->probe.consecutive_failures >= kProbeFailuresBeforeAlert)
      report_long(*job, *rt, std::nullopt, now, out);
  } else {
    rt->probe = ProbeRecord{true, "", now, 0};
    const std::string note = apply_status(*job, *rt, *result.report, now, out);
    track_health(job->policy, *rt, true, now);
    schedule_poll(*job, *rt, now);
    if (rt->last_exit && !rt->last_exit->judged)  // the first probe after the child's exit
      judge_exit(*job, *rt, note, now, out);
    else
      report_long(*job, *rt, note, now, out);
    if (auto restart = restart_if_stalled(*job, *rt, now, out)) {
      // The note joins the stall alert when this probe sent one, else it goes out by itself.
      Notify* alert = nullptr;
      for (Action& a : out)
        if (auto* n = std::get_if<Notify>(&a); n && n->alert && n->section.job_id == job_id)
          alert = n;
      if (alert && *restart != rt->last_autorun_note) {
        alert->section.autorun = *restart;
        rt->last_autorun_note = *restart;
      } else {
        report_long(*job, *rt, *restart, now, out);
      }
    }
  }
  if (probe_again_.erase(job_id)) rt->next_poll_at = now;
  if (!out.empty() || state_.next_queue_id != next_queue_id ||
      !same_but_probe_times(std::move(before), *rt))
    dirty_ = true;
  return out;
}

std::string Engine::apply_status(const Job& job, JobRuntime& rt, const StatusReport& r, TimeMs now,
                                 Actions& out) {
  const bool moved = r.progress_key != rt.progress_key;
  rt.running = r.running;
  rt.completed = r.completed;
  rt.pid = r.pid ? r.pid : rt.owned_pid;
  rt.progress_json = r.progress_json;
  record_report_progress(rt.progress_history, r, job.policy.progress_keys, now);
  rt.progress_key = r.progress_key;
  rt.level = r.level;
  rt.message = r.message;
  rt.stop_reason = r.stop_reason;
  if (moved || rt.last_progress_at == 0) rt.last_progress_at = now;

  if (rt.state == JobState::stopping) {
    if (!r.running && rt.restart_on_stall) return resume_after_stall(job, rt, now, out);
    if (!r.running) transition(rt, JobState::stopped, "stopped on request", now);
    return "";
  }
  if (r.completed) {
    // A job first seen completed did not end under our eyes: no after-chain for it.
    const bool seen_before = rt.state != JobState::stopped;
    if (transition(rt, JobState::completed, "status: completed", now) && seen_before)
      enqueue_after(job, true, now, out);
    return "";
  }
  if (r.running) {
    if (rt.state != JobState::running && rt.state != JobState::stalled) {
      transition(rt, JobState::running, "status: running", now);
      rt.user_stopped = false;
      rt.last_progress_at = now;
    } else if (rt.state == JobState::stalled && moved) {
      transition(rt, JobState::running, "progress moved", now);
    } else if (rt.state == JobState::running && !rt.progress_key.empty() &&
               job.policy.stall_seconds > 0 &&
               now - rt.last_progress_at >= seconds(job.policy.stall_seconds)) {
      transition(rt, JobState::stalled, "progressKey unchanged for stallSeconds", now);
    }
    return "";
  }
  return handle_not_running(job, rt, now, out);
}

std::string Engine::handle_not_running(const Job& job, JobRuntime& rt, TimeMs now, Actions& out) {
  // The start command still runs as our child: its status may not say so yet.
  if (rt.state == JobState::starting && rt.owned_pid) return "";
  if (!wants_running(job, rt)) return "";
  const bool was_active = active(rt.state);
  const ResumeDecision d = decide_resume(job, rt, now);
  switch (d.verdict) {
    case ResumeVerdict::resume:
      if (rt.state == JobState::starting)
        transition(rt, JobState::failed, "start did not run", now);
      record_resume_attempt(rt, now, d.after_cooldown);
      transition(rt, JobState::starting, "auto-resume", now);
      rt.last_progress_at = now;
      out.push_back(LaunchStart{job.id});
      break;
    case ResumeVerdict::backoff:
      transition(rt, JobState::backoff, "waiting autoResumeBackoffSeconds", now);
      break;
    case ResumeVerdict::give_up:
      if (transition(rt, JobState::given_up, "maxAutoResumes reached within 1h", now))
        enqueue_after(job, false, now, out);
      break;
    case ResumeVerdict::given_up_wait:
      break;
    case ResumeVerdict::disabled:
    case ResumeVerdict::blocked:
    case ResumeVerdict::not_applicable:
      if (rt.state != JobState::failed && transition(rt, JobState::failed, "not running", now) &&
          was_active)
        enqueue_after(job, false, now, out);
      break;
  }
  return autorun_note(d, job.policy);
}

void Engine::report_long(const Job& job, JobRuntime& rt, const std::optional<std::string>& note,
                         TimeMs now, Actions& out) {
  ReportSection s = long_job_section(job, rt);
  if (rt.running) s.estimate = estimate_line(rt.progress_history.estimate, now, locale());
  ReportInput in;
  in.anomaly_key = anomaly_key(rt);
  in.status_class = status_class(rt);
  in.digest = report_digest(in.status_class, s);
  in.progress_key = rt.progress_key;
  in.running = rt.running;
  in.quiet = quiet(job, now);
  const ReportKind kind = decide_report(rt, job.policy, in, now);
  const bool note_new = note && !note->empty() && *note != rt.last_autorun_note;
  // With cards: the card shows every change (muted or not: it is silent); a routine report is
  // the card alone, the rest (alerts, reminders, recoveries, AUTORUN notes) are messages of
  // their own besides it.
  const std::size_t before = out.size();
  const bool carded = report_card(job, rt, in, kind, now, out);
  if (note_new && out.size() > before) std::get<Notify>(out.back()).message = false;
  if (kind == ReportKind::none && !note_new) {
    if (note) rt.last_autorun_note = *note;
    return;
  }
  if (rt.mute.until != 0 && !rt.mute.active(now)) rt.mute = MuteRecord{};  // expired
  if (rt.mute.active(now)) {
    if (mute_holds(kind, in.status_class)) return;  // nothing recorded: it is due once unmuted
    rt.mute = MuteRecord{};                         // something new got through
  }
  if (note) rt.last_autorun_note = *note;
  if (carded && kind == ReportKind::routine && !note_new) {
    record_report(rt, in, kind, now);
    return;
  }
  if (is_alert(kind)) s.action_required = anomaly_action(job, rt, locale());
  if (kind == ReportKind::recovery) {
    const std::string what = recovery_info(rt.last_anomaly_key, locale());
    s.info = s.info.empty() ? what : what + "; " + s.info;
  }
  if (note_new) s.autorun = *note;
  record_report(rt, in, kind == ReportKind::none ? ReportKind::routine : kind, now);
  out.push_back(Notify{std::move(s), is_alert(kind)});
}

bool Engine::report_card(const Job& job, const JobRuntime& rt, const ReportInput& in,
                         ReportKind kind, TimeMs /*now*/, Actions& out) {
  if (config_.notify.progress != NotifyProgress::card) return false;
  ReportSection s = long_job_section(job, rt);
  if (is_alert(kind)) s.action_required = anomaly_action(job, rt, locale());
  std::optional<Notify> card =
      card_update(rt, std::move(s), in.digest, kind, in.quiet, card_shown_[job.id]);
  if (card) out.push_back(std::move(*card));
  return true;
}

Actions Engine::decide_start_launched(const std::string& job_id, std::optional<std::int64_t> pid,
                                      const std::string& error, TimeMs now) {
  Actions out;
  const Job* job = nullptr;
  JobRuntime* rt = long_runtime(job_id, &job);
  if (shutting_down_ || !rt) return out;
  dirty_ = true;
  if (pid) {
    rt->owned_pid = pid;
    rt->owned = {};  // on_child_identity fills it
    rt->pid = pid;
    schedule_poll(*job, *rt, now);
    return out;
  }
  rt->owned_pid.reset();
  rt->running = false;
  rt->completed = false;
  rt->message = "start failed: " + (error.empty() ? std::string("could not launch") : error);
  const std::string note = handle_not_running(*job, *rt, now, out);
  schedule_poll(*job, *rt, now);
  report_long(*job, *rt, note, now, out);
  return out;
}

Outcome Engine::decide_start(const std::string& job_id, bool allow_risk, TimeMs now) {
  Outcome o;
  const Job* job = config_.find(job_id);
  if (!job) return {unknown_job(job_id), "", {}};
  if (job->kind != JobKind::long_running_read)
    return {Refused{Refusal::wrong_kind, job_id + " is " + std::string(to_string(job->kind)) +
                                             ": start applies to long_running_read jobs"},
            "",
            {}};
  if (job->risk != Risk::read_only && !allow_risk)
    return {Refused{Refusal::refused_by_policy,
                    job_id + " has risk=" + std::string(to_string(job->risk)) +
                        ": pass --allow-risk to start it"},
            "",
            {}};
  JobRuntime& rt = state_.jobs[job_id];
  if (active(rt.state) || rt.running)
    return {Refused{Refusal::already_running,
                    job_id + " is already " + std::string(to_string(rt.state))},
            "",
            {}};
  if (rt.state == JobState::stopping)
    return {Refused{Refusal::already_running, job_id + " is still stopping; start it once stopped"},
            "",
            {}};
  transition(rt, JobState::starting, "start requested", now);
  rt.user_stopped = false;
  rt.auto_resume_times.clear();
  rt.resume_streak = 0;
  rt.last_autorun_note.clear();
  rt.last_progress_at = now;
  dirty_ = true;
  schedule_poll(*job, rt, now);
  o.message = "starting " + job_id;
  o.actions.push_back(LaunchStart{job_id});
  return o;
}

Outcome Engine::decide_stop(const std::string& job_id, TimeMs now) {
  Outcome o;
  const Job* job = config_.find(job_id);
  if (!job) return {unknown_job(job_id), "", {}};
  if (job->kind != JobKind::long_running_read)
    return {Refused{Refusal::wrong_kind, job_id + " is " + std::string(to_string(job->kind)) +
                                             ": stop applies to long_running_read jobs"},
            "",
            {}};
  JobRuntime& rt = state_.jobs[job_id];
  if (rt.state == JobState::stopping) {
    if (std::exchange(rt.restart_on_stall, false)) {  // a person's stop wins over the restart
      rt.user_stopped = true;
      dirty_ = true;
    }
    o.message = job_id + " is already stopping";
    return o;
  }
  if (active(rt.state) || rt.running) {
    if (job->commands.stop.empty() && !rt.owned_pid && !rt.pid)
      return {Refused{Refusal::refused_by_policy,
                      job_id + " has no commands.stop, no process opsd owns and no status pid"},
              "",
              {}};
    transition(rt, JobState::stopping, "stop requested", now);
    rt.user_stopped = true;
    rt.stop_deadline = now + seconds(std::max<std::int64_t>(0, job->policy.stop_timeout_seconds));
    schedule_poll(*job, rt, now);
    dirty_ = true;
    o.message = "stopping " + job_id;
    o.actions.push_back(LaunchStop{job_id, rt.pid});
    return o;
  }
  if (transition(rt, JobState::stopped, "stop requested", now)) {
    rt.user_stopped = true;  // cancels a pending auto-resume
    dirty_ = true;
    o.message = job_id + " stays stopped (auto-resume cancelled)";
    return o;
  }
  return {Refused{Refusal::not_running,
                  job_id + " is not running (" + std::string(to_string(rt.state)) + ")"},
          "",
          {}};
}

}  // namespace opsd
