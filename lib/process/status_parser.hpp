// Turning a status command's output into a StatusReport (docs/status-contract.md). Pure: no I/O,
// never throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status_report.hpp"
#include "process/command_output.hpp"

namespace opsd {

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
