// A job's ExitRecord and JobRuns <-> its entry in the state file. Internal to lib/state
// (state_codec.cpp uses it).
//
// Keys the original tool ignores: "opsdLastExit" {at, code (int|null), signal, runtimeMs,
// logTail, judged, crashed}, "opsdRuns" [{number, source, startedAt, endedAt, exitCode (int|null),
// signal, timedOut, timeoutSeconds, durationMs, markers [string], stdoutTail, stderrTail, ok,
// chain}], "opsdRunsStarted". Beside them, for the original tool and its readers, the newest run as
// its "lastRun" {exitCode, durationMs, stdoutTail, stderrTail} and "lastRunAt" (seconds, float).
// Times are integer ms since the epoch (0 = never) unless said otherwise.
#pragma once

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>

#include "state/state.hpp"

namespace opsd::state_detail {

// Adds the keys above to `job` (nothing for a job that has neither exits nor runs).
void encode_run_records(const JobRuntime& rt, boost::json::object& job,
                        const boost::json::storage_ptr& sp);

// Tolerant: wrong-typed fields take their defaults. A state file written by the original tool
// (no "opsdRuns") yields one JobRun from its "lastRun" / "lastRunAt".
void decode_run_records(const boost::json::object& job, JobRuntime& rt);

}  // namespace opsd::state_detail
