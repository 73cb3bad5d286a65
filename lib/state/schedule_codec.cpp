#include "state/schedule_codec.hpp"

#include <boost/json.hpp>

#include "state/state_fields.hpp"

namespace opsd::state_detail {

namespace json = boost::json;

json::value encode_schedule(const ScheduleRuntime& s, const json::storage_ptr& sp) {
  if (s == ScheduleRuntime{}) return json::value(nullptr, sp);
  json::object o(sp);
  o["nextSlotAt"] = s.next_slot_at;
  o["nextRunAt"] = s.next_run_at;
  o["lastRunAt"] = s.last_run_at;
  o["spec"] = s.spec;
  return o;
}

ScheduleRuntime decode_schedule(const json::object& job) {
  ScheduleRuntime s;
  const json::object* o = object_at(job, "schedule");
  if (o == nullptr) return s;
  s.next_slot_at = get_time(*o, "nextSlotAt");
  s.next_run_at = get_time(*o, "nextRunAt");
  s.last_run_at = get_time(*o, "lastRunAt");
  s.spec = get_string(*o, "spec");
  return s;
}

}  // namespace opsd::state_detail
