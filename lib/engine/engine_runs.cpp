// Engine: how processes ended — a long job's exit judged by the probe after it (crash or
// completion), and the record of every one-shot run.
#include <algorithm>

#include "engine/engine.hpp"
#include "engine/exit_report.hpp"
#include "engine/job_report.hpp"
#include "engine/queue.hpp"

namespace opsd {

namespace {

constexpr std::string_view kVerifySource = "commands.verify";

}  // namespace

Actions Engine::decide_child_exited(const std::string& job_id, int exit_code, TimeMs now) {
  return decide_child_exited(job_id, ExitInfo{exit_code, 0, ""}, now);
}

Actions Engine::decide_child_exited(const std::string& job_id, const ExitInfo& exit, TimeMs now) {
  Actions out;
  const Job* job = nullptr;
  JobRuntime* rt = long_runtime(job_id, &job);
  if (shutting_down_ || !rt) return out;
  dirty_ = true;
  rt->owned_pid.reset();
  rt->owned = {};
  ExitRecord e = exit_record_of(exit, now);
  // Ending on request is no crash.
  e.judged = rt->state == JobState::stopping || rt->user_stopped;
  rt->last_exit = std::move(e);
  launch_probe(*job, *rt, now, out);  // the status probe is the only truth
  return out;
}

void Engine::judge_exit(const Job& job, JobRuntime& rt, const std::optional<std::string>& note,
                        TimeMs now, Actions& out) {
  ExitRecord& e = *rt.last_exit;
  e.judged = true;
  Actions reports;
  report_long(job, rt, note, now, reports);
  if (rt.completed) {
    for (Action& a : reports)
      if (auto* n = std::get_if<Notify>(&a)) {
        const std::string took = completion_note(e, locale());
        n->section.info = n->section.info.empty() ? took : n->section.info + "; " + took;
      }
    for (Action& a : reports) out.push_back(std::move(a));
    return;
  }
  if (rt.running) {  // the start command exited, the job runs on (detached)
    for (Action& a : reports) out.push_back(std::move(a));
    return;
  }
  e.crashed = true;
  for (Action& a : reports)  // a live card shows the crash too (the alert is the message)
    if (auto* n = std::get_if<Notify>(&a); n && n->card) {
      n->message = false;
      out.push_back(std::move(a));
    }
  ReportSection s = crash_section(job, rt, e, now, locale());
  out.push_back(Notify{std::move(s), true});
}

void Engine::begin_direct_run(const std::string& job_id, TimeMs now) {
  JobRuntime& rt = state_.jobs[job_id];
  direct_runs_[job_id] = RunStart{++rt.runs_started, now};
  dirty_ = true;
}

JobRun& Engine::record_run(const std::string& job_id, JobRun rec) {
  JobRuntime& rt = state_.jobs[job_id];
  if (rec.number == 0) rec.number = ++rt.runs_started;
  rt.runs.push_back(std::move(rec));
  while (rt.runs.size() > kMaxRunRecords) rt.runs.pop_front();
  dirty_ = true;
  return rt.runs.back();
}

void Engine::settle_run_chain(const std::string& job_id, const std::string& outcome) {
  auto it = state_.jobs.find(job_id);
  if (it == state_.jobs.end()) return;
  for (auto r = it->second.runs.rbegin(); r != it->second.runs.rend(); ++r)
    if (r->chain == "pending") {
      r->chain = outcome;
      return;
    }
}

Actions Engine::decide_one_shot_finished(const std::string& job_id,
                                         const std::string& queue_item_id,
                                         const OneShotResult& result, TimeMs now) {
  RunStart start;
  std::string source = "run";
  if (queue_item_id.empty()) {
    if (auto it = direct_runs_.find(job_id); it != direct_runs_.end()) {
      start = it->second;
      direct_runs_.erase(it);
    }
  } else if (const QueueItem* item = find_queue_item(state_, queue_item_id)) {
    start.started_at = item->started_at;
    source = "queue:" + item->source;
  }
  const Job* job = config_.find(job_id);
  JobRun rec = run_record_of(result, start.number, source, start.started_at, now);
  if (job && job->kind == JobKind::one_shot_write) rec.chain = "pending";
  const JobRun* run = job ? &record_run(job_id, std::move(rec)) : nullptr;
  // A copy: the history may drop it while the run's ending is handled.
  std::optional<JobRun> copy;
  if (run) copy = *run;
  return finish_one_shot(job_id, queue_item_id, result.exit_code, run_output_text(result),
                         copy ? &*copy : nullptr, now);
}

Actions Engine::decide_verify_finished(const std::string& job_id, const OneShotResult& result,
                                       TimeMs now) {
  TimeMs started_at = 0;
  for (const WriteChain& c : state_.write_chains)
    if (c.job_id == job_id && c.verify_started_at) started_at = c.verify_started_at;
  if (config_.find(job_id))
    record_run(job_id, run_record_of(result, 0, std::string(kVerifySource), started_at, now));
  return decide_verify_finished(job_id, result.exit_code, run_output_text(result), now);
}

}  // namespace opsd
