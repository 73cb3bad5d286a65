// Turning a status command's output into a StatusReport (SPEC §4). Pure: no I/O, never throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status_report.hpp"
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

// Parses one JSON object (surrounding whitespace allowed) into a report, or an error naming the
// problem, e.g. "`running` must be a boolean, got string".
// Leniency kept from the original tool, so status scripts written for it keep working:
// - an optional field that is null counts as absent;
// - `pid` <= 0 is ignored (scripts print 0 when nothing runs); a non-integer pid is an error;
// - an empty or blank `progressKey` counts as absent; an empty `level` counts as absent.
// When `progressKey` is absent it is `progress` in canonical JSON: keys sorted at every depth,
// separators ", " and ": ", UTF-8 kept, floats as Python's repr — what the original tool stored
// (json.dumps(sort_keys=True, ensure_ascii=False)), except that Boost.JSON 1.81 may read a float
// with 17 significant digits 1 ulp off. The same text always gives the same key.
ProbeResult parse_status_output(std::string_view stdout_text);

// A probe's result from a finished command: the first failure among spawn error, timeout,
// oversized output, non-zero exit and empty output; else parse_status_output.
ProbeResult probe_result_from(const CommandOutput& out);

}  // namespace opsd
