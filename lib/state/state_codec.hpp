// State <-> JSON for ops-monitor.json (version 1; docs/persistence.md).
//
// Layout, compatible with the original tool's file: top level `version` (1), `updatedAt`
// (ISO 8601 UTC), `jobs` {id: {...}}, `queue` [...]; plus opsd's own `nextQueueId`, `outbox`,
// `nextOutboxSeq`, `outboxLastError`, `approvals`, `writeChains` (unsettled verification chains of
// write runs; shape in state/write_chain_codec.hpp). Per-job and per-item keys are camelCase;
// opsd writes times as integer milliseconds since the epoch (0 = never).
//
// Reading the original's per-job keys, so an upgrade keeps stall timers and dedup state:
//   lastProgressKey (or lastSeen.progressKey) -> progress_key   lastProgressAt -> last_progress_at
//   lastSeen.running/completed/stopReason     -> running/completed/stop_reason
//   lastAutoResumeAt -> last_auto_resume_at   lastReportAt -> last_report_at
//   lastAnomalyKey   -> last_anomaly_key      lastAnomalyReportAt -> last_alert_at
// and its queue keys createdAt -> enqueued_at, reason -> source, lastRunAt -> started_at,
// lastError -> note, status "blocked" -> "skipped". A time may be an integer (ms), a
// fractional number (seconds, as the original wrote them) or an ISO 8601 string.
#pragma once

#include <boost/json/value.hpp>

#include "state/state.hpp"
#include "util/result.hpp"

namespace opsd {

// Stable key order (the same State always gives the same text). `updatedAt` is s.saved_at.
// The engine's state and the outbox share the one file.
boost::json::value encode_state(const State& s, const OutboxState& outbox);

// Tolerant: unknown keys are ignored and wrong-typed or missing fields get their defaults;
// lists are cut to their bounds (newest kept). Error only when `v` is not an object.
Result<State> decode_state(const boost::json::value& v);
// The outbox keys of the same document, as tolerantly (a non-object gives an empty outbox).
OutboxState decode_outbox(const boost::json::value& v);

}  // namespace opsd
