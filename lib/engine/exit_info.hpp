// How a process ended, as the daemon reports it to the engine (Engine::on_child_exited,
// on_one_shot_finished, on_verify_finished). Plain data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "util/clock.hpp"

namespace opsd {

// An owned long-running child (commands.start) exited.
struct ExitInfo {
  int code = 0;            // exit status 0..255, or -N when killed by signal N
  TimeMs runtime_ms = 0;   // from its launch to its exit
  std::string log_tail;    // the last lines of the job's log after the exit ("" = none)
  bool code_known = true;  // false: a re-adopted process, not opsd's child (`code` unused)
};

// A one-shot command (commands.run or commands.verify) ended.
struct OneShotResult {
  int exit_code = -1;                // exit status 0..255, or -N when killed by signal N
  bool timed_out = false;            // killed with its process group at its time limit
  std::int64_t timeout_seconds = 0;  // the limit that applied
  TimeMs duration_ms = 0;            // from spawn to the end of its output
  std::vector<std::string> markers;  // first output lines with ALERT / ACTION REQUIRED
  std::size_t marker_count = 0;      // all such lines
  std::string stdout_tail;           // the end of stdout
  std::string stderr_tail;           // the end of stderr
  std::string error;                 // non-empty: it never ran (missing executable, bad cwd)
};

}  // namespace opsd
