// State <-> JSON for ops-monitor.json (version 1; docs/persistence.md).
//
// Layout, compatible with the original tool's file both ways: top level `version` (1),
// `updatedAt` (ISO 8601 UTC), `jobs` {id: {...}}, `queue` [...]; plus opsd's own `nextQueueId`,
// `outbox`, `nextOutboxSeq`, `outboxLastError`, `approvals`, `writeChains` (unsettled
// verification chains of write runs; shape in state/write_chain_codec.hpp) and `opsdUpdatedAt`.
// Per-job and per-item keys are camelCase. The original's own fields (lastSeen, lastProgressKey,
// lastProgressAt, lastReportAt, reportedCompleted, lastAnomalyKey, lastAnomalyReportAt,
// lastAutoResumeAt; queue createdAt, notBefore, reason, attempt, lastError, status) are written
// in its units (float seconds) and shapes and read back with the same meaning; which side is
// authoritative when both are present, and the fields kept for a rollback: state/legacy_fields.hpp.
// opsd's other times are integer milliseconds since the epoch (0 = never).
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
