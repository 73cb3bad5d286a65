#include "state/policy_codec.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "state/state_fields.hpp"

namespace opsd::state_detail {

namespace json = boost::json;

void encode_policy_fields(const JobRuntime& j, json::object& o, const json::storage_ptr& sp) {
  if (j.resume_streak != 0) o["autoResumeStreak"] = j.resume_streak;
  if (j.healthy_since != 0) o["healthySince"] = j.healthy_since;
  if (j.restart_on_stall) o["restartOnStall"] = true;
  if (j.mute != MuteRecord{}) {
    json::object m(sp);
    m["until"] = j.mute.until;
    m["note"] = j.mute.note;
    m["setAt"] = j.mute.set_at;
    m["uid"] = j.mute.uid;
    o["mute"] = std::move(m);
  }
}

void decode_policy_fields(const json::object& o, JobRuntime& j) {
  j.resume_streak = std::max(get_int32(o, "autoResumeStreak"), 0);
  j.healthy_since = get_time(o, "healthySince");
  j.restart_on_stall = get_bool(o, "restartOnStall");
  if (const json::object* m = object_at(o, "mute")) {
    j.mute.until = get_time(*m, "until");
    j.mute.note = get_string(*m, "note");
    j.mute.set_at = get_time(*m, "setAt");
    j.mute.uid = get_int(*m, "uid", -1);
  }
}

}  // namespace opsd::state_detail
