// The job's "schedule" object in the state file: {nextSlotAt, nextRunAt, lastRunAt, spec}
// (ms). Internal to lib/state.
#pragma once

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include "state/schedule_runtime.hpp"

namespace opsd::state_detail {

boost::json::value encode_schedule(const ScheduleRuntime& s, const boost::json::storage_ptr& sp);
// Tolerant: missing or wrong-typed fields are 0 / "".
ScheduleRuntime decode_schedule(const boost::json::object& job);

}  // namespace opsd::state_detail
