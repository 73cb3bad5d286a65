// How a job's processes ended, in the `status` answer: `lastExit` (long jobs), `lastRun` and,
// with the history, `runs` (one-shots). Written into an open job object.
#pragma once

#include "state/state.hpp"
#include "util/json_writer.hpp"

namespace opsd {

// Keys written (absent values null; times ISO 8601 UTC):
//   "lastExit": {at, code (int|null), signal ("SIGKILL"|null), runtimeMs, crashed}
//   "lastRun": {number, source, startedAt, endedAt, exitCode (int|null), signal (name|null),
//               timedOut, durationMs, ok, marker (first matching line|null), markers,
//               outputTail, chain (write jobs: how the verification ended|null)}
//   "runs": [the same, oldest first] (only with `history`)
void write_run_fields(JsonWriter& w, const JobRuntime& rt, bool history);

}  // namespace opsd
