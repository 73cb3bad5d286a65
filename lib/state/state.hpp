// What opsd knows and persists (ops-monitor.json, version 1; docs/persistence.md). Plain data, no
// I/O. Encoding to/decoding from JSON lives in state/state_codec.hpp; the atomic file in
// state/state_store.hpp. All times are wall-clock ms since the epoch (util/clock.hpp), 0 = never.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/mute_record.hpp"
#include "state/progress_history.hpp"
#include "state/run_record.hpp"
#include "state/schedule_runtime.hpp"
#include "util/clock.hpp"

namespace opsd {

// The engine's states for a long_running_read job (docs/engine.md).
enum class JobState {
  stopped,    // not running and not wanted (initial, or stopped by a person)
  starting,   // start command launched, waiting for the first probe to confirm
  running,    // status says running and progress moves
  stalled,    // running, progressKey unchanged for stallSeconds
  completed,  // status says completed
  failed,     // neither running nor completed, no auto-resume pending
  backoff,    // waiting for autoResumeBackoffSeconds before the next auto-resume
  given_up,   // maxAutoResumes exhausted; waits for a cooldown or a person
  stopping,   // stop requested, waiting for the process to end
};

std::string_view to_string(JobState s);
std::optional<JobState> parse_job_state(std::string_view s);

// One recorded transition (bounded history per job).
struct JobEvent {
  TimeMs at = 0;
  JobState from = JobState::stopped;
  JobState to = JobState::stopped;
  std::string reason;

  bool operator==(const JobEvent&) const = default;
};

// The outcome of the last status probe.
struct ProbeRecord {
  bool ok = true;
  std::string error;  // reason of the last failure, "" when ok
  TimeMs at = 0;      // when the last probe finished
  int consecutive_failures = 0;

  bool operator==(const ProbeRecord&) const = default;
};

// Who owned_pid is, beyond its pid (docs/processes.md): a later opsd (or the same one after
// `opsctl reexec`) adopts owned_pid only while /proc shows the same start time and group.
// Start times are /proc/<pid>/stat field 22 (clock ticks after boot); 0 = unknown, never adopted.
struct OwnedIdentity {
  std::int64_t pgid = 0;
  std::int64_t start_ticks = 0;
  std::int64_t relay_pid = 0;  // the job's log relay (process/log_relay.hpp); 0 = none
  std::int64_t relay_pgid = 0;
  std::int64_t relay_start_ticks = 0;
  bool adopted = false;  // owned_pid was taken over from an earlier opsd run or image

  bool operator==(const OwnedIdentity&) const = default;
};

// Everything opsd remembers about one job.
struct JobRuntime {
  JobState state = JobState::stopped;
  bool user_stopped = false;  // stopped by a person: stays stopped across restarts
  // Last good status report.
  bool running = false;
  bool completed = false;
  std::optional<std::int64_t> pid;        // from status or the owned child
  std::optional<std::int64_t> owned_pid;  // child opsd launched and still owns
  OwnedIdentity owned;                    // meaningful while owned_pid is set
  std::string progress_json;              // `progress` object as JSON text ("" = none)
  std::string progress_key;
  std::string level;  // ok | warn | alert | ""
  std::string message;
  std::string stop_reason;
  TimeMs last_progress_at = 0;  // when progress_key last changed
  TimeMs stalled_since = 0;     // 0 = not stalled
  ProbeRecord probe;
  TimeMs next_poll_at = 0;
  // Auto-resume bookkeeping.
  std::vector<TimeMs> auto_resume_times;  // attempts within the last hour
  TimeMs last_auto_resume_at = 0;
  int auto_resumes_total = 0;
  TimeMs given_up_at = 0;
  TimeMs stop_deadline = 0;  // SIGKILL after this while stopping
  // Report dedup (survives restarts and send failures).
  std::string last_report_digest;  // digest of the last routine section sent
  TimeMs last_report_at = 0;
  std::string last_anomaly_key;  // anomaly currently reported ("" = none)
  TimeMs last_alert_at = 0;
  std::string last_autorun_note;  // last blocked/suppressed resume note reported
  std::deque<JobEvent> history;   // newest last, at most kMaxHistory
  ScheduleRuntime schedule;       // the job's `schedule`: next and last due runs
  static constexpr std::size_t kMaxHistory = 50;
  // How processes ended (state/run_record.hpp).
  std::optional<ExitRecord> last_exit;  // long jobs: the owned process's last exit
  std::deque<JobRun> runs;              // one-shots: newest last, at most kMaxRunRecords
  std::uint64_t runs_started = 0;       // one-shots: runs started so far (JobRun::number)

  std::string last_report_progress_key;  // progress_key when the last report was decided
  // Growing backoff, restart on stall and mute (engine/backoff.hpp, docs/engine.md).
  int resume_streak = 0;          // auto-resumes since the job last ran healthy
  TimeMs healthy_since = 0;       // running, probe ok, since then (0 = not); a duration start
  bool restart_on_stall = false;  // stopping for a restart on stall (policy.onStall)
  MuteRecord mute;                // opsctl mute (until 0 = not muted)
  // Recent progress readings, ratio, rate and ETA (state/progress_history.hpp). In memory only:
  // not in the state file, rebuilt from the probes after a restart.
  ProgressHistory progress_history;
  // The original tool's fields opsd does not use, kept for a rollback (JSON object text,
  // "" = none; state/legacy_fields.hpp).
  std::string legacy_json;

  bool operator==(const JobRuntime&) const = default;
};

// True when `a` and `b` differ at most in what each probe refreshes (probe.at, next_poll_at,
// and the in-memory progress_history): a restart loses nothing by not having the newer values,
// so such a change need not be written.
// (Takes `a` by value: it is overwritten with b's probe times, then compared.)
bool same_but_probe_times(JobRuntime a, const JobRuntime& b);

// Where a queue item stands. Persisted as its to_string name.
enum class QueueStatus {
  pending,  // waits for not_before and a free slot
  running,
  done,     // exit 0
  failed,   // any other ending
  skipped,  // never ran (refused, job removed, superseded); `note` says why
};

std::string_view to_string(QueueStatus s);
// The names above; the original tool's "blocked" is skipped, "" pending, anything else failed.
QueueStatus parse_queue_status(std::string_view s);

// One item of the one-shot queue.
struct QueueItem {
  std::string id;  // unique, e.g. "q-17"
  std::string job_id;
  TimeMs enqueued_at = 0;
  TimeMs not_before = 0;
  std::string source;  // "opsctl", "after:<job>", ...
  QueueStatus status = QueueStatus::pending;
  std::optional<int> exit_code;
  TimeMs started_at = 0;
  TimeMs finished_at = 0;
  std::string note;  // why skipped/failed, or the reported output line
};

// One message waiting for delivery (outbox).
struct OutboxItem {
  std::uint64_t seq = 0;  // strictly increasing, delivery order
  std::string text;       // at most 4096 characters (split before enqueue)
  bool alert = false;     // alerts are sent with sound, routine silently
  std::string target;     // resolved chat id at enqueue time ("" = resolve at send)
  TimeMs created_at = 0;
  int attempts = 0;
  TimeMs next_attempt_at = 0;
  std::string last_error;
  // Held until then (0 = not held): a group window (notify.groupWaitSeconds) or a card's edit
  // interval (notify.cardEditSeconds). Persisted as `notBefore`; absent in older files.
  TimeMs not_before = 0;
  bool group = false;        // more sections may join it until not_before (`group`)
  std::string card{};        // the live card it updates (its job id; "" = a plain message)
  std::string message_id{};  // the card's message to edit ("" = send a new card) (`messageId`)
  bool card_final = false;   // the card's last text: once delivered the card is closed
};

// A live card (one Telegram message per job that is edited, docs/notifications.md).
struct CardRecord {
  std::string chat;          // where it was sent
  std::string message_id{};  // Telegram's message id
  TimeMs last_at = 0;        // last delivered send or edit (the edit interval counts from it)

  bool operator==(const CardRecord&) const = default;
};

// A one-time approval of a write job (docs/write-jobs.md).
struct ApprovalRecord {
  std::string job_id;
  std::string fingerprint;  // SHA-256 hex of the job's canonical definition
  TimeMs granted_at = 0;
  TimeMs expires_at = 0;
  std::int64_t uid = -1;
  std::string note;
  bool consumed = false;
  bool voided = false;  // the definition changed after it was granted: never usable again
};

// One verification of a write run: an after-job's queue item or the job's commands.verify.
struct Verification {
  std::string name;              // the verifying job id, or "commands.verify"
  std::string item_id;           // its queue item; "" for commands.verify
  std::optional<int> exit_code;  // set once it ended; -1 when it was skipped or never ran
  bool passed = false;           // exit 0 and no ACTION REQUIRED / ALERT in its output
  std::string output;            // its output tail (or why it was skipped)
};

// The verification chain of one write run (docs/write-jobs.md), kept until it is settled and
// reported so that it survives a daemon restart. The engine drives it (engine/write_chain.hpp).
struct WriteChain {
  std::string job_id;
  std::int64_t uid = -1;          // the caller who ran the write
  TimeMs started_at = 0;          // the write was launched
  std::optional<int> write_exit;  // set when the write ended; -1 with write_note when unknown
  std::string write_note;         // why write_exit is not the write's own ("" = it is)
  TimeMs verify_started_at = 0;   // commands.verify was launched (0: it was not)
  std::vector<Verification> verifications;

  // The write and every verification have ended.
  bool settled() const;
  // Index of the unfinished verification named by `item_id` ("" with name "commands.verify":
  // the commands.verify step); nullopt when there is none.
  std::optional<std::size_t> pending(std::string_view item_id, std::string_view name) const;
};

// The messages waiting for delivery, persisted in the same file as State (keys `outbox`,
// `nextOutboxSeq`, `outboxLastError`, `outboxCards`). Written only by the outbox
// (notify/outbox_sender.hpp).
struct OutboxState {
  std::vector<OutboxItem> items;  // in seq order
  std::uint64_t next_seq = 1;
  std::string last_error;  // what went wrong last (drops, delivery errors); "" = nothing
  // Open cards by card key (job id); persisted as `outboxCards`, absent in older files.
  std::map<std::string, CardRecord, std::less<>> cards;
};

// The engine's part of the state file (engine/engine.hpp is its only writer).
struct State {
  int version = 1;
  std::map<std::string, JobRuntime, std::less<>> jobs;
  std::vector<QueueItem> queue;  // last kMaxQueue kept
  std::uint64_t next_queue_id = 1;
  std::vector<ApprovalRecord> approvals;
  std::vector<WriteChain> write_chains;  // write runs whose verification is not settled yet
  TimeMs saved_at = 0;
  std::string legacy_json;  // the original tool's top-level fields, kept for a rollback
  static constexpr std::size_t kMaxQueue = 200;
};

}  // namespace opsd
