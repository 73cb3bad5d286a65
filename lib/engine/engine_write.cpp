// Engine: write jobs (docs/write-jobs.md) — the approval gate of `run`, and the verification chain
// after the write: its after-jobs and commands.verify, then one outcome report per write run.
#include <algorithm>

#include "engine/approval.hpp"
#include "engine/engine.hpp"
#include "engine/job_report.hpp"
#include "engine/queue.hpp"
#include "engine/report_text.hpp"
#include "util/output_tail.hpp"

namespace opsd {

namespace {

// At most this many bytes of a command's output go into an audit entry.
constexpr std::size_t kAuditOutputBytes = 800;

constexpr std::string_view kWriteOutcomeUnknown =
    "opsd restarted while the write ran; its outcome is unknown";

const char* basis_text(ApprovalBasis basis) {
  switch (basis) {
    case ApprovalBasis::one_time:
      return "one-time approval";
    case ApprovalBasis::standing:
      return "standing approval (approval.granted)";
    case ApprovalBasis::not_required:
      return "approval not required (write_local, approval.required=false)";
    case ApprovalBasis::none:
      break;
  }
  return "not approved";
}

ReportSection chain_section(const Job* job, const std::string& job_id) {
  if (job) return job_section(*job);
  ReportSection s;
  s.job_id = s.name = job_id;
  s.kind = JobKind::one_shot_write;
  return s;
}

}  // namespace

Outcome Engine::run_write(const Job& job, TimeMs now, std::int64_t uid) {
  Outcome o;
  const ApprovalCheck check = check_approval(state_, job, fingerprint(job), now);
  if (void_approval(state_, check)) dirty_ = true;
  if (!check.ok()) {
    audit("refuse", job, uid, std::nullopt, check.reason, now);
    const std::string how = "approve with 'opsctl approve " + job.id + "'";
    o.error = Refused{Refusal::approval_required, "ACTION REQUIRED: " + how + " (" + job.id +
                                                      " was not run: " + check.reason + ")"};
    ReportSection s = job_section(job);
    s.state = text(Text::write_refused_state, locale());
    s.info = check.reason;
    s.action_required = text(Text::approval_needed_action, locale(), {job.id});
    o.actions.push_back(Notify{std::move(s), true});
    return o;
  }
  consume_approval(state_, check);
  audit("write_run", job, uid, std::nullopt, basis_text(check.basis), now);
  dirty_ = true;
  WriteChain chain;
  chain.job_id = job.id;
  chain.uid = uid;
  chain.started_at = now;
  state_.write_chains.push_back(std::move(chain));
  direct_running_.insert(job.id);
  begin_direct_run(job.id, now);
  o.message = "running " + job.id + " (" + basis_text(check.basis) + ")";
  o.actions.push_back(LaunchOneShot{job.id, "", false});
  return o;
}

void Engine::finish_write(const Job& job, int exit_code, const std::string& output, TimeMs now,
                          Actions& out) {
  auto it = std::find_if(state_.write_chains.rbegin(), state_.write_chains.rend(),
                         [&](const WriteChain& c) { return c.job_id == job.id && !c.write_exit; });
  if (it == state_.write_chains.rend()) {  // not started through run_write (should not happen)
    WriteChain fresh;
    fresh.job_id = job.id;
    fresh.started_at = now;
    state_.write_chains.push_back(std::move(fresh));
    it = state_.write_chains.rbegin();
  }
  WriteChain& chain = *it;
  chain.write_exit = exit_code;
  AuditEvent e = audit_event("write_exit", job.id, fingerprint(job), chain.uid, exit_code, "", now);
  e.duration_ms = std::max<TimeMs>(0, now - chain.started_at);
  e.output_tail = output_tail(output, kAuditOutputBytes);
  audit_.push_back(std::move(e));

  for (auto& q : enqueue_after(job, exit_code == 0, now, out))
    chain.verifications.push_back(Verification{q.job_id, q.item_id, std::nullopt, false, ""});
  if (!job.commands.verify.empty()) {
    chain.verifications.push_back(
        Verification{std::string(kVerifyCommand), "", std::nullopt, false, ""});
    chain.verify_started_at = now;
    direct_running_.insert(job.id);
    out.push_back(LaunchOneShot{job.id, "", true});
  }

  ReportSection s = job_section(job);
  const std::string names = verification_names(chain);
  if (exit_code != 0) {
    s.state = text(Text::write_failed_state, locale(), {std::to_string(exit_code)});
    s.info = output_tail(output, kMaxOutputInReport, CutMark::ellipsis);
    s.action_required = text(Text::write_failed_action, locale());
    if (!names.empty()) s.action_required += text(Text::verification_still_runs, locale(), {names});
    out.push_back(Notify{std::move(s), true});
  } else if (!names.empty()) {
    s.state = text(Text::write_done_state, locale());
    s.info = text(Text::awaiting_verification, locale(), {names});
    out.push_back(Notify{std::move(s), false});
  }
  settle_chains(now, out);
}

bool Engine::finish_chain_item(const Job& /*job*/, const QueueItem& item, int exit_code,
                               const std::string& output, TimeMs now, Actions& out) {
  for (auto& chain : state_.write_chains) {
    if (auto i = chain.pending(item.id, "")) {
      end_verification(chain, *i, exit_code, output, item.started_at, now, out);
      settle_chains(now, out);
      return true;
    }
  }
  return false;
}

Actions Engine::decide_verify_finished(const std::string& job_id, int exit_code,
                                       const std::string& output_tail, TimeMs now) {
  Actions out;
  dirty_ = true;
  direct_running_.erase(job_id);
  bool known = false;
  for (auto& chain : state_.write_chains) {
    if (chain.job_id != job_id) continue;
    if (auto i = chain.pending("", kVerifyCommand)) {
      end_verification(chain, *i, exit_code, output_tail, chain.verify_started_at, now, out);
      known = true;
      break;
    }
  }
  if (known) {
    settle_chains(now, out);
  } else if (const Job* job = config_.find(job_id)) {
    AuditEvent e = audit_event("verify", job_id, fingerprint(*job), -1, exit_code, "", now);
    e.output_tail = opsd::output_tail(output_tail, kAuditOutputBytes);
    e.verification = std::string(kVerifyCommand);
    audit_.push_back(std::move(e));
  }
  run_queue(now, out);
  return out;
}

void Engine::end_verification(WriteChain& chain, std::size_t index, int exit_code,
                              const std::string& output, TimeMs started_at, TimeMs now,
                              Actions& /*out*/) {
  Verification& v = chain.verifications.at(index);
  v.exit_code = exit_code;
  v.passed = exit_code == 0 && !needs_attention(output);
  v.output = output_tail(output, kMaxOutputInReport);
  const Job* job = config_.find(chain.job_id);
  AuditEvent e = audit_event("verify", chain.job_id, job ? fingerprint(*job) : "", chain.uid,
                             exit_code, v.passed ? "verified" : "failed", now);
  if (started_at > 0) e.duration_ms = std::max<TimeMs>(0, now - started_at);
  e.output_tail = output_tail(output, kAuditOutputBytes);
  e.verification = v.name;
  audit_.push_back(std::move(e));
  dirty_ = true;
}

void Engine::settle_chains(TimeMs now, Actions& out) {
  for (auto it = state_.write_chains.begin(); it != state_.write_chains.end();) {
    const ChainOutcome outcome = chain_outcome(*it);
    if (outcome == ChainOutcome::pending) {
      ++it;
      continue;
    }
    const WriteChain& chain = *it;
    const Job* job = config_.find(chain.job_id);
    ReportSection s = chain_section(job, chain.job_id);
    const std::string summary = verification_summary(chain);
    bool alert = true;
    std::string what;
    switch (outcome) {
      case ChainOutcome::verified:
        what = "verified";
        s.state = text(Text::verified_state, locale(), {verification_names(chain)});
        alert = false;
        break;
      case ChainOutcome::verification_failed:
        what = "verification_failed";
        s.state = text(Text::verification_failed_state, locale(), {summary});
        for (const auto& v : chain.verifications)
          if (!v.passed && s.info.empty()) s.info = v.name + ": " + v.output;
        s.action_required = text(Text::verification_failed_action, locale());
        break;
      case ChainOutcome::unverified:
        what = "unverified";
        s.state = text(Text::unverified_state, locale());
        s.action_required = text(Text::unverified_action, locale());
        break;
      case ChainOutcome::write_failed:
        what = chain.write_note.empty() ? "write_failed" : "write_outcome_unknown";
        s.state =
            chain.write_note.empty()
                ? text(Text::write_failed_state, locale(), {std::to_string(*chain.write_exit)})
                : text(Text::write_outcome_unknown_note, locale(), {chain.write_note});
        if (!chain.verifications.empty()) {
          s.info = text(Text::verification_info, locale(), {summary});
          // The failure itself was alerted when the write ended; ring again only for bad news.
          alert = false;
          for (const auto& v : chain.verifications) alert = alert || !v.passed;
        }
        break;
      case ChainOutcome::pending:
        break;
    }
    settle_run_chain(chain.job_id, what);
    AuditEvent e = audit_event("chain", chain.job_id, job ? fingerprint(*job) : "", chain.uid,
                               chain.write_exit, what, now);
    e.duration_ms = std::max<TimeMs>(0, now - chain.started_at);
    audit_.push_back(std::move(e));
    // A failed write without verifications was reported in full when it ended.
    const bool reported = outcome == ChainOutcome::write_failed && chain.verifications.empty();
    if (!reported) out.push_back(Notify{std::move(s), alert});
    it = state_.write_chains.erase(it);
    dirty_ = true;
  }
}

void Engine::restore_chains(TimeMs now, Actions& out) {
  if (state_.write_chains.empty()) return;
  dirty_ = true;
  for (auto& chain : state_.write_chains) {
    const Job* job = config_.find(chain.job_id);
    if (job && job->kind != JobKind::one_shot_write) job = nullptr;
    if (!chain.write_exit) {
      // It may have finished, failed or still run: it is never run again, and its
      // verifications (as after a success) tell the operator what actually happened.
      chain.write_exit = -1;
      chain.write_note = std::string(kWriteOutcomeUnknown);
      AuditEvent e = audit_event("write_exit", chain.job_id, job ? fingerprint(*job) : "",
                                 chain.uid, -1, chain.write_note, now);
      e.duration_ms = std::max<TimeMs>(0, now - chain.started_at);
      audit_.push_back(std::move(e));
      if (job) {
        for (auto& q : enqueue_after(*job, true, now, out))
          chain.verifications.push_back(Verification{q.job_id, q.item_id, std::nullopt, false, ""});
        if (!job->commands.verify.empty())
          chain.verifications.push_back(
              Verification{std::string(kVerifyCommand), "", std::nullopt, false, ""});
      }
      ReportSection s = chain_section(job, chain.job_id);
      s.state = text(Text::write_outcome_unknown_state, locale());
      s.info = chain.write_note;
      s.action_required = text(Text::check_write_action, locale());
      if (const std::string names = verification_names(chain); !names.empty())
        s.action_required += text(Text::verification_still_runs, locale(), {names});
      out.push_back(Notify{std::move(s), true});
    }
    // commands.verify is read-only: one that had not ended (or not started) runs again.
    if (auto i = chain.pending("", kVerifyCommand)) {
      if (job && !job->commands.verify.empty() && !direct_running_.contains(job->id)) {
        chain.verify_started_at = now;
        direct_running_.insert(job->id);
        out.push_back(LaunchOneShot{job->id, "", true});
      } else if (!job || job->commands.verify.empty()) {
        end_verification(chain, *i, -1, "commands.verify is no longer configured", 0, now, out);
      }
    }
  }
  settle_chains(now, out);
}

void Engine::settle_skipped_verifications(TimeMs now, Actions& out) {
  bool any = false;
  for (auto& chain : state_.write_chains) {
    for (std::size_t i = 0; i < chain.verifications.size(); ++i) {
      const Verification& v = chain.verifications[i];
      if (v.exit_code || v.item_id.empty()) continue;
      const QueueItem* item = find_queue_item(state_, v.item_id);
      if (item && item->status != QueueStatus::skipped) continue;
      const std::string why = item ? "skipped: " + item->note : "dropped from the queue";
      end_verification(chain, i, -1, why, 0, now, out);
      any = true;
    }
  }
  if (any) settle_chains(now, out);
}

}  // namespace opsd
