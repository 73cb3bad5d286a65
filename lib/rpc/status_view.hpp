// The `status` answer (docs/control-protocol.md schema), built from memory: config + state, no I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "state/state.hpp"

namespace opsd {

struct DaemonInfo {
  std::string version;
  std::int64_t pid = 0;
  TimeMs started_at = 0;
  std::string config_file;
  std::string state_dir;
  std::string socket;
  std::string notifier;        // e.g. "print-only", "telegram (openclaw, then Bot API)"
  std::string heartbeat = {};  // notify.heartbeat's last outcome ("" = no heartbeat: not shown)
};

struct StatusQuery {
  std::string_view only_job;  // non-empty: that job only (and its queue items, approvals)
  // The fields `opsctl status` shows, for its table: each job keeps id, kind, state, enabled,
  // pid, progress, lastProgressAt and probe; the queue keeps pending and running items.
  bool brief = false;
  // When a job's next automatic attempt is due (wall ms, 0 = none), shown as `nextResumeAt`:
  // the engine's rule (engine/backoff.hpp next_resume_at), which rpc/ may not include.
  // Unset: null for every job.
  std::function<TimeMs(const Job&, const JobRuntime&)> next_resume_at = {};
};

// {"daemon": {...}, "jobs": [...], "queue": [...], "outbox": {...}, "approvals": [...]} as
// JSON text, written without a document (status over thousands of jobs is answered often).
// Times are ISO 8601 UTC strings, absent values null.
// `outbox` gives outbox.pending and outbox.lastError.
std::string render_status(const Config& config, const State& state, const DaemonInfo& info,
                          const StatusQuery& query, TimeMs now, const OutboxState& outbox = {});

}  // namespace opsd
