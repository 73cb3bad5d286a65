#include "engine/approval.hpp"

#include <algorithm>
#include <utility>

namespace opsd {

namespace {

bool usable(const ApprovalRecord& r, TimeMs now) { return !r.consumed && now < r.expires_at; }

}  // namespace

Result<ApprovalRecord> approve(State& state, const Job& job, const std::string& fingerprint,
                               TimeMs ttl_ms, std::int64_t uid, const std::string& note,
                               TimeMs now) {
  if (job.kind != JobKind::one_shot_write)
    return Error{"job '" + job.id + "' is " + std::string(to_string(job.kind)) +
                 ": only one_shot_write jobs take approvals"};
  if (ttl_ms <= 0) return Error{"ttl must be positive"};
  if (fingerprint.empty()) return Error{"no fingerprint for job '" + job.id + "'"};
  for (auto& r : state.approvals)
    if (r.job_id == job.id && !r.consumed) r.consumed = true;  // replaced by the new one
  ApprovalRecord rec;
  rec.job_id = job.id;
  rec.fingerprint = fingerprint;
  rec.granted_at = now;
  rec.expires_at = now + ttl_ms;
  rec.uid = uid;
  rec.note = note;
  state.approvals.push_back(rec);
  prune_approvals(state, now);
  return rec;
}

ApprovalCheck check_approval(const State& state, const Job& job, const std::string& fingerprint,
                             TimeMs now) {
  ApprovalCheck c;
  if (job.kind != JobKind::one_shot_write) {
    c.basis = ApprovalBasis::not_required;
    return c;
  }
  if (!job.approval.required && job.risk == Risk::write_local) {
    c.basis = ApprovalBasis::not_required;
    return c;
  }
  if (job.approval.granted) {
    c.basis = ApprovalBasis::standing;
    return c;
  }
  c.reason = "no approval";
  for (std::size_t i = state.approvals.size(); i-- > 0;) {
    const auto& r = state.approvals[i];
    if (r.job_id != job.id) continue;
    if (r.voided) {
      c.reason = kVoidReason;
    } else if (r.consumed) {
      c.reason = "the last approval was already used";
    } else if (now >= r.expires_at) {
      c.reason = "the approval expired";
    } else if (r.fingerprint != fingerprint) {
      c.reason = kVoidReason;
      c.record_index = i;
      c.voids_record = true;
    } else {
      c.basis = ApprovalBasis::one_time;
      c.record_index = i;
      c.reason.clear();
      return c;
    }
    break;  // only the newest record of the job counts
  }
  return c;
}

bool void_approval(State& state, const ApprovalCheck& check) {
  if (!check.voids_record || check.record_index >= state.approvals.size()) return false;
  state.approvals[check.record_index].voided = true;
  return true;
}

bool void_changed_approvals(State& state, const Job& job, const std::string& fingerprint) {
  bool changed = false;
  for (ApprovalRecord& r : state.approvals) {
    if (r.job_id != job.id || r.consumed || r.voided || r.fingerprint == fingerprint) continue;
    r.voided = true;
    changed = true;
  }
  return changed;
}

void consume_approval(State& state, const ApprovalCheck& check) {
  if (check.basis != ApprovalBasis::one_time || check.record_index >= state.approvals.size())
    return;
  state.approvals[check.record_index].consumed = true;
}

void prune_approvals(State& state, TimeMs now) {
  auto spent = std::count_if(state.approvals.begin(), state.approvals.end(),
                             [&](const ApprovalRecord& r) { return !usable(r, now); });
  for (auto it = state.approvals.begin();
       spent > static_cast<long>(kKeepSpentApprovals) && it != state.approvals.end();) {
    if (!usable(*it, now)) {
      it = state.approvals.erase(it);
      --spent;
    } else {
      ++it;
    }
  }
}

AuditEvent audit_event(std::string event, std::string job_id, std::string fingerprint,
                       std::int64_t uid, std::optional<int> exit_code, std::string note,
                       TimeMs now) {
  AuditEvent e;
  e.at = now;
  e.event = std::move(event);
  e.job_id = std::move(job_id);
  e.fingerprint = std::move(fingerprint);
  e.uid = uid;
  e.exit_code = exit_code;
  e.note = std::move(note);
  return e;
}

}  // namespace opsd
