// The job's backoff, restart-on-stall and mute fields in the state file (docs/persistence.md):
// "autoResumeStreak", "healthySince" (ms), "restartOnStall", "mute" {until, note, setAt, uid}
// (ms; absent = not muted). Internal to lib/state.
#pragma once

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>

#include "state/state.hpp"

namespace opsd::state_detail {

// Writes only what differs from the defaults, so that files of jobs that never used these
// features look as before.
void encode_policy_fields(const JobRuntime& j, boost::json::object& o,
                          const boost::json::storage_ptr& sp);
// Tolerant: missing or wrong-typed fields keep their defaults (files of older versions load).
void decode_policy_fields(const boost::json::object& o, JobRuntime& j);

}  // namespace opsd::state_detail
