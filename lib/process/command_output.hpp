// What a finished short command did: the result CommandRunner hands to its callers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "util/clock.hpp"

namespace opsd {

// What a short command did (CommandRunner's result). Exactly one outcome applies, checked in
// this order: spawn_error non-empty; timed_out; overflow; exit_code.
struct CommandOutput {
  int exit_code = -1;       // exit status 0..255; < 0: killed by signal -exit_code
  bool timed_out = false;   // killed (whole process group) at the timeout
  bool overflow = false;    // stdout went past the cap; child killed, stdout_text truncated
  std::string stdout_text;  // at most the cap
  std::string stderr_tail;  // the last 4 KiB of stderr
  std::string spawn_error;  // non-empty: the command never ran (missing executable, bad cwd)
  TimeMs duration_ms = 0;   // from spawn to the end of the output, monotonic
  // The first lines of stdout, then of stderr, holding ALERT or ACTION REQUIRED anywhere in
  // the whole output (util/marker_scanner.hpp), and how many such lines there were.
  std::vector<std::string> marker_lines;
  std::size_t marker_count = 0;
};

}  // namespace opsd
