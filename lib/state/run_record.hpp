// How a job's processes ended: a long job's last exit and a one-shot job's recent runs (plain
// data, persisted in the state file beside the original tool's lastRun / lastRunAt).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/clock.hpp"

namespace opsd {

// The last exit of a long_running_read job's owned process (commands.start).
struct ExitRecord {
  TimeMs at = 0;            // when it exited
  std::optional<int> code;  // exit status 0..255; nullopt when killed by a signal
  int signal = 0;           // the killing signal (9 = SIGKILL); 0 when it exited
  TimeMs runtime_ms = 0;    // from launch to exit
  std::string log_tail;     // the last lines of the job's log at the exit
  bool judged = false;      // the status probe after it said completed or not
  bool crashed = false;     // judged: it exited while not completed

  bool operator==(const ExitRecord&) const = default;
};

// One run of a one-shot job (commands.run, or a write job's commands.verify).
struct JobRun {
  std::uint64_t number = 0;  // the job's run counter at its start (1, 2, ...); 0 = unknown
  std::string source;        // "opsctl", "queue", "after:<job>", "commands.verify", ...
  TimeMs started_at = 0;
  TimeMs ended_at = 0;
  std::optional<int> exit_code;      // nullopt when killed by a signal or it never ran
  int signal = 0;                    // the killing signal, 0 = none
  bool timed_out = false;            // killed at runTimeoutSeconds (or the run's own limit)
  std::int64_t timeout_seconds = 0;  // the limit that applied (0 = unknown)
  TimeMs duration_ms = 0;
  std::vector<std::string> markers;  // first lines with ALERT / ACTION REQUIRED
  std::string stdout_tail;           // last 800 bytes (the original's stdoutTail)
  std::string stderr_tail;           // last 800 bytes (the original's stderrTail)
  bool ok = false;                   // exit 0, not timed out, no marker
  // Write jobs: how the verification chain ended: "pending", "verified", "verification_failed",
  // "write_failed", "write_outcome_unknown", "unverified"; "" for other runs.
  std::string chain;

  bool operator==(const JobRun&) const = default;
};

// Runs kept per job (newest last).
inline constexpr std::size_t kMaxRunRecords = 10;
// Bytes of stdout / stderr kept in a run record (the original kept 800 characters).
inline constexpr std::size_t kRunTailBytes = 800;

}  // namespace opsd
