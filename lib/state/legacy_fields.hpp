// The original tool's (ops-monitor.py 0.1.0) fields in the state file, so that an upgrade keeps
// its dedup state and timers and a rollback finds its own fields with its own meaning.
// Internal to lib/state (state_codec.cpp); layout in shared compat README and in README.md's
// "Upgrading from ops-monitor.py".
//
// Written per job, in the original's units and shapes: `lastSeen` {running, completed,
// progressKey, stopReason} (null when empty), `lastProgressKey`, `reportedCompleted`,
// `lastAnomalyKey` (the canonical JSON of the status while an anomaly is reported), and the
// times `lastProgressAt`, `lastReportAt`, `lastAnomalyReportAt`, `lastAutoResumeAt` as float
// seconds since the epoch (absent = never). Per queue item: `createdAt` and `notBefore` as float
// seconds, `reason`, `attempt`, `lastError`, and a `status` the original knows (opsd's
// "skipped" is its "blocked"). Fields of the original that opsd does not use (`lastRun`,
// `lastRunAt`, `lastStart`, `lastManualStartAt`, `lastStop`, `lastStopAt`, top-level
// `lastConfigErrorAt`) are kept as they were read.
//
// Authority: opsd writes top-level `opsdUpdatedAt` equal to `updatedAt`. When both are present
// and equal, opsd wrote the file last and its own keys (`state`, `running`, `lastReportDigest`,
// `anomalyKey`, ...) are read; otherwise (the original's file, or the original saved after opsd)
// the original's fields decide what was seen and reported, and opsd's own keys fill the rest.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>

#include "state/state.hpp"

namespace opsd::state_detail {

// The marker key (top level) and the keys of the original kept as read.
inline constexpr std::string_view kOpsdUpdatedAt = "opsdUpdatedAt";

// True when the document's `opsdUpdatedAt` is present and equals its `updatedAt` (opsd wrote
// it last).
bool written_by_opsd(const boost::json::object& top);

// A time of the original: a number of seconds (float or integer); a number above 1e11 is
// taken as milliseconds (opsd's files before this layout). 0 when absent or unusable.
TimeMs legacy_time(const boost::json::object& o, std::string_view key);

// The original's canonical anomaly key for the job's current status:
// {"completed": b, "level": s|null, "message": s|null, "progressKey": s|null, "running": b,
// "stopReason": s|null} with json.dumps(sort_keys=True, ensure_ascii=False) spacing.
std::string legacy_anomaly_key(const JobRuntime& j);
// opsd's anomaly key (engine/job_report.hpp's format) for an original's canonical key; "" when
// it is not an object.
std::string anomaly_key_from_legacy(std::string_view canonical);

// Adds the original's per-job fields to `o` (opsd's own keys are already in it).
void encode_legacy_job(const JobRuntime& j, boost::json::object& o,
                       const boost::json::storage_ptr& sp);
// Reads the original's per-job fields into `j`, which holds what opsd's own keys said.
// `original_last`: the original wrote the file last (see Authority above).
void decode_legacy_job(const boost::json::object& o, bool original_last, JobRuntime& j);

// Adds the original's queue item fields to `o` (overriding opsd's `notBefore` and `status`).
void encode_legacy_queue_item(const QueueItem& q, boost::json::object& o,
                              const boost::json::storage_ptr& sp);

// The original's top-level fields kept as read (`lastConfigErrorAt`), as JSON object text.
std::string legacy_top_fields(const boost::json::object& top);
void encode_legacy_top(const std::string& kept, boost::json::object& top);

}  // namespace opsd::state_detail
