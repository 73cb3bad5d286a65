// Engine: one-shot jobs — direct runs, the queue, after-chains, write approvals and
// verification outcomes (docs/engine.md, docs/write-jobs.md).
#include <algorithm>

#include "engine/approval.hpp"
#include "engine/engine.hpp"
#include "engine/exit_report.hpp"
#include "engine/job_report.hpp"
#include "engine/mute.hpp"
#include "engine/queue.hpp"
#include "engine/report_text.hpp"
#include "util/output_tail.hpp"

namespace opsd {

namespace {

constexpr std::string_view kAfterSource = "after:";

bool queueable(const Job& job) {
  return job.kind == JobKind::one_shot_read && job.risk == Risk::read_only;
}

std::string kind_risk(const Job& job) {
  return std::string(to_string(job.kind)) + ", " + std::string(to_string(job.risk));
}

}  // namespace

Outcome Engine::decide_run(const std::string& job_id, TimeMs now, std::int64_t uid) {
  Outcome o;
  const Job* job = config_.find(job_id);
  if (!job) return {unknown_job(job_id), "", {}};
  if (job->kind == JobKind::long_running_read)
    return {Refused{Refusal::wrong_kind, job_id + " is long_running_read: use start"}, "", {}};
  if (direct_running_.contains(job_id))
    return {Refused{Refusal::already_running, job_id + " is already running"}, "", {}};
  if (job->kind == JobKind::one_shot_write) return run_write(*job, now, uid);
  if (job->risk != Risk::read_only)
    return {Refused{Refusal::refused_by_policy,
                    job_id + " is one_shot_read with risk=" + std::string(to_string(job->risk))},
            "",
            {}};
  direct_running_.insert(job_id);
  begin_direct_run(job_id, now);
  o.message = "running " + job_id;
  o.actions.push_back(LaunchOneShot{job_id, ""});
  return o;
}

Outcome Engine::decide_enqueue(const std::string& job_id, TimeMs not_before,
                               const std::string& source, TimeMs now) {
  Outcome o;
  const Job* job = config_.find(job_id);
  if (!job) return {unknown_job(job_id), "", {}};
  if (job->kind == JobKind::long_running_read)
    return {Refused{Refusal::wrong_kind,
                    job_id + " is long_running_read: the queue runs one-shot jobs"},
            "",
            {}};
  if (!queueable(*job))
    return {Refused{Refusal::refused_by_policy, job_id + " (" + kind_risk(*job) +
                                                    ") is not read-only: the queue never runs it"},
            "",
            {}};
  auto id = enqueue_item(state_, job_id, not_before, source.empty() ? "opsctl" : source, now);
  if (!id)
    return {Refused{Refusal::refused_by_policy,
                    "the queue is full (" + std::to_string(State::kMaxQueue) + " items)"},
            "",
            {}};
  dirty_ = true;
  o.message = "queued " + job_id + " as " + *id;
  run_queue(now, o.actions);
  return o;
}

Outcome Engine::decide_approve(const std::string& job_id, TimeMs ttl_ms, std::int64_t uid,
                               const std::string& note, TimeMs now) {
  Outcome o;
  const Job* job = config_.find(job_id);
  if (!job) return {unknown_job(job_id), "", {}};
  if (job->kind != JobKind::one_shot_write)
    return {Refused{Refusal::wrong_kind, job_id + " is not a one_shot_write job"}, "", {}};
  auto rec = approve(state_, *job, fingerprint(*job), ttl_ms, uid, note, now);
  if (!rec) return {Refused{Refusal::bad_params, rec.error().message}, "", {}};
  audit("approve", *job, uid, std::nullopt, note, now);
  dirty_ = true;
  o.message = "approved " + job_id + " for one run within " + std::to_string(ttl_ms / 1000) + "s";
  return o;
}

void Engine::run_queue(TimeMs now, Actions& out) {
  if (shutting_down_) return;
  run_queue_items(now, out);
  settle_skipped_verifications(now, out);
}

void Engine::run_queue_items(TimeMs now, Actions& out) {
  while (QueueItem* item = next_due_item(state_, now)) {
    dirty_ = true;
    const Job* job = config_.find(item->job_id);
    if (job && queueable(*job)) {
      start_item(*item, now);
      out.push_back(LaunchOneShot{job->id, item->id});
      return;
    }
    const std::string why =
        !job ? "unknown job"
        : job->kind != JobKind::one_shot_read
            ? "refused: " + std::string(to_string(job->kind)) + " jobs do not run from the queue"
            : "refused: " + kind_risk(*job) + " is not read-only";
    skip_item(*item, why, now);
    ReportSection s;
    if (job)
      s = job_section(*job);
    else
      s.job_id = s.name = item->job_id;
    s.state = text(Text::queue_item_skipped, locale(), {item->id});
    s.action_required = text(Text::queued_job_refused, locale(), {why});
    out.push_back(Notify{std::move(s), true});
  }
}

std::vector<Engine::Enqueued> Engine::enqueue_after(const Job& parent, bool success, TimeMs now,
                                                    Actions& out) {
  std::vector<Enqueued> enqueued;
  for (const auto& e : parent.after) {
    const bool match = e.when == AfterWhen::always || (e.when == AfterWhen::success) == success;
    if (!match) continue;
    const Job* target = config_.find(e.job_id);
    std::optional<std::string> id;
    std::string problem;
    if (!target || !queueable(*target)) {
      problem = e.job_id + (target ? " (" + kind_risk(*target) + ") is not a read-only one-shot job"
                                   : " is not a configured job");
    } else {
      id = enqueue_item(state_, e.job_id, now + seconds(std::max<std::int64_t>(0, e.delay_seconds)),
                        std::string(kAfterSource) + parent.id, now);
      if (!id) problem = "the queue is full";
    }
    dirty_ = true;
    if (id) {
      enqueued.push_back(Enqueued{e.job_id, *id});
      continue;
    }
    ReportSection s = job_section(parent);
    s.state = text(Text::after_chain_state, locale());
    s.action_required = text(Text::after_not_enqueued, locale(), {problem});
    out.push_back(Notify{std::move(s), true});
  }
  return enqueued;
}

Actions Engine::decide_one_shot_finished(const std::string& job_id,
                                         const std::string& queue_item_id, int exit_code,
                                         const std::string& output_tail, TimeMs now) {
  OneShotResult r;
  r.exit_code = exit_code;
  r.stdout_tail = output_tail;
  return decide_one_shot_finished(job_id, queue_item_id, r, now);
}

Actions Engine::finish_one_shot(const std::string& job_id, const std::string& queue_item_id,
                                int exit_code, const std::string& output_tail, const JobRun* run,
                                TimeMs now) {
  Actions out;
  dirty_ = true;
  QueueItem* item = queue_item_id.empty() ? nullptr : find_queue_item(state_, queue_item_id);
  if (queue_item_id.empty()) direct_running_.erase(job_id);
  if (item)
    finish_item(*item, exit_code, opsd::output_tail(output_tail, 200, CutMark::ellipsis), now);
  if (const Job* job = config_.find(job_id)) {
    if (job->kind == JobKind::one_shot_write)
      finish_write(*job, exit_code, output_tail, now, out);
    else if (job->kind == JobKind::one_shot_read)
      finish_read(*job, item, exit_code, output_tail, now, out, run);
  } else if (queue_item_id.empty()) {  // removed from the config while it ran
    std::erase_if(state_.write_chains,
                  [&](const WriteChain& c) { return c.job_id == job_id && !c.write_exit; });
  }
  run_queue(now, out);
  return out;
}

bool Engine::muted_repeat(const Job& job, const JobRun* run, TimeMs now) {
  JobRuntime& rt = state_.jobs[job.id];
  if (rt.mute == MuteRecord{}) return false;
  const JobRun* previous = nullptr;
  if (run && rt.runs.size() >= 2 && rt.runs.back().number == run->number)
    previous = &rt.runs[rt.runs.size() - 2];
  if (rt.mute.active(now) && run && mute_holds_run(*run, previous)) return true;
  rt.mute = MuteRecord{};  // expired, or something new got through: the mute ends
  dirty_ = true;
  return false;
}

void Engine::finish_read(const Job& job, const QueueItem* item, int exit_code,
                         const std::string& output, TimeMs now, Actions& out, const JobRun* run) {
  const bool attention = exit_code != 0 || needs_attention(output) || (run && !run->ok);
  if (!attention) (void)muted_repeat(job, nullptr, now);  // a good run ends a mute
  if (item && finish_chain_item(job, *item, exit_code, output, now, out)) {
    enqueue_after(job, exit_code == 0, now, out);
    return;
  }
  // A verification whose chain is not in the state (a state file written before chains were
  // persisted): reported on its own.
  const Job* verified = nullptr;
  if (item && item->source.starts_with(kAfterSource)) {
    const Job* parent = config_.find(std::string_view(item->source).substr(kAfterSource.size()));
    if (parent && parent->kind == JobKind::one_shot_write) verified = parent;
  }
  if (verified) {
    audit("verify", *verified, -1, exit_code, job.id + (attention ? ": failed" : ": verified"),
          now);
    ReportSection s = job_section(*verified);
    if (attention) {
      s.state = text(Text::verification_failed_state, locale(),
                     {job.id + " exit=" + std::to_string(exit_code)});
      s.info = output_tail(output, kMaxOutputInReport, CutMark::ellipsis);
      s.action_required = text(Text::verification_failed_action, locale());
    } else {
      s.state = text(Text::verified_state, locale(), {job.id});
    }
    out.push_back(Notify{std::move(s), attention});
  } else if (attention && !muted_repeat(job, run, now)) {
    ReportSection s = job_section(job);
    s.state = exit_code == 0 ? std::string(text(Text::one_shot_done, locale()))
                             : text(Text::one_shot_failed, locale(), {std::to_string(exit_code)});
    s.info = output_tail(output, kMaxOutputInReport, CutMark::ellipsis);
    if (run) {  // the output is bounded already and quotes the matching lines first
      s.state = run_state_line(
          *run, run->timeout_seconds ? run->timeout_seconds : job.policy.run_timeout_seconds);
      s.info = output;
    }
    out.push_back(Notify{std::move(s), true});
  }
  enqueue_after(job, exit_code == 0, now, out);
}

}  // namespace opsd
