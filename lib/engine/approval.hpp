// Write-job approvals (docs/write-jobs.md) and the audit events the engine produces. Pure: no I/O.
// The fingerprint of a job's definition is computed elsewhere and passed in as a string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace opsd {

// One line for the audit log (audit.jsonl): approvals, refusals, write runs, verifications.
struct AuditEvent {
  TimeMs at = 0;
  std::string event;  // approve | refuse | write_run | write_exit | verify | chain
  std::string job_id;
  std::string fingerprint;
  std::int64_t uid = -1;  // caller uid; -1 = the daemon itself
  std::optional<int> exit_code;
  std::string note;
  std::optional<TimeMs> duration_ms;  // write_exit / verify: how long the command ran
  std::string output_tail;            // write_exit / verify: the end of its output
  std::string verification;           // verify: the verifying job id, or "commands.verify"
};

// The one builder of audit events: the fields every entry has (docs/write-jobs.md, audit log).
AuditEvent audit_event(std::string event, std::string job_id, std::string fingerprint,
                       std::int64_t uid, std::optional<int> exit_code, std::string note,
                       TimeMs now);

enum class ApprovalBasis {
  none,          // not approved: `reason` says why
  one_time,      // an unconsumed, unexpired record with a matching fingerprint
  standing,      // approval.granted: true in the config
  not_required,  // approval.required: false on a write_local job
};

struct ApprovalCheck {
  ApprovalBasis basis = ApprovalBasis::none;
  std::string reason;
  std::size_t record_index = 0;  // into State::approvals, for one_time (and voids_record)
  bool voids_record = false;     // the newest record no longer matches: void_approval() it
  bool ok() const { return basis != ApprovalBasis::none; }
};

inline constexpr const char* kVoidReason =
    "the approval is void: the job definition changed since it was approved";

// Records a one-time approval of a one_shot_write job, valid for `ttl_ms` from `now`, bound to
// `fingerprint`. Earlier unconsumed approvals of the job are replaced. Errors: not a write job,
// ttl_ms <= 0, empty fingerprint.
Result<ApprovalRecord> approve(State& state, const Job& job, const std::string& fingerprint,
                               TimeMs ttl_ms, std::int64_t uid, const std::string& note,
                               TimeMs now);

// Whether `job` may run now. approval.required=false counts only for write_local; for
// write_external it is ignored. A standing approval (approval.granted) is used before a
// one-time record, so one-time approvals are not consumed needlessly.
ApprovalCheck check_approval(const State& state, const Job& job, const std::string& fingerprint,
                             TimeMs now);

// An approval that once failed to match its job's definition stays void, even when the
// definition changes back. void_approval() marks the record behind a voids_record check;
// void_changed_approvals() every unconsumed record of `job` whose fingerprint is not
// `fingerprint` (at reload and start). Both return whether anything changed.
bool void_approval(State& state, const ApprovalCheck& check);
bool void_changed_approvals(State& state, const Job& job, const std::string& fingerprint);

// Marks the one-time approval behind `check` consumed (no-op for other bases).
void consume_approval(State& state, const ApprovalCheck& check);

// Keeps usable approvals and the last kKeepSpentApprovals spent (consumed/expired/replaced) ones.
constexpr std::size_t kKeepSpentApprovals = 50;
void prune_approvals(State& state, TimeMs now);

}  // namespace opsd
