// The `status` answer (docs/control-protocol.md schema), built from memory: config + state, no I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "state/state.hpp"

namespace opsd {

// How the config file fared the last time opsd read it (at start, a reload or after an edit).
struct ConfigHealth {
  std::string path{};               // the config file
  bool ok = true;                   // it loaded; else `errors` say why
  std::vector<std::string> errors;  // "error: jobs[0].kind: ..." (one per error, with its path)
  std::string running = "file";     // "file" | "last-good" | "none": what opsd runs now
  std::string last_good{};          // the copy of the last good config
};

struct DaemonInfo {
  std::string version;
  std::int64_t pid = 0;
  TimeMs started_at = 0;
  std::string config_file;
  std::string state_dir;
  std::string socket;
  std::string notifier;        // e.g. "print-only", "telegram (openclaw, then Bot API)"
  std::string heartbeat = {};  // notify.heartbeat's last outcome ("" = no heartbeat: not shown)
  ConfigHealth config = {};    // the top-level "config" of the answer
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

// {"daemon": {...}, "config": {...}, "jobs": [...], "queue": [...], "outbox": {...},
// "approvals": [...]} as
// JSON text, written without a document (status over thousands of jobs is answered often).
// Times are ISO 8601 UTC strings, absent values null.
// `outbox` gives outbox.pending and outbox.lastError.
std::string render_status(const Config& config, const State& state, const DaemonInfo& info,
                          const StatusQuery& query, TimeMs now, const OutboxState& outbox = {});

}  // namespace opsd
