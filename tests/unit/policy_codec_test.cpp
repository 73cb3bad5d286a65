#include "state/policy_codec.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "state/state_codec.hpp"

using namespace opsd;
namespace json = boost::json;

namespace {

State one_job(const JobRuntime& rt) {
  State s;
  s.jobs["scan"] = rt;
  return s;
}

}  // namespace

TEST_CASE("backoff streak, health clock, restart flag and mute survive a save", "[state]") {
  JobRuntime rt;
  rt.resume_streak = 3;
  rt.healthy_since = 1'700'000'000'000;
  rt.restart_on_stall = true;
  rt.mute = MuteRecord{1'700'000'360'000, "disk swap", 1'700'000'000'500, 1000};
  Result<State> back = decode_state(encode_state(one_job(rt), OutboxState{}));
  REQUIRE(back);
  const JobRuntime& b = back->jobs.at("scan");
  CHECK(b.resume_streak == 3);
  CHECK(b.healthy_since == rt.healthy_since);
  CHECK(b.restart_on_stall);
  CHECK(b.mute == rt.mute);
}

TEST_CASE("a job that never used them writes none of the new keys", "[state]") {
  json::object o;
  state_detail::encode_policy_fields(JobRuntime{}, o, {});
  CHECK(o.empty());
}

TEST_CASE("a state file without the new keys, or with wrong types, loads the defaults", "[state]") {
  JobRuntime absent;
  state_detail::decode_policy_fields(json::object{}, absent);
  CHECK(absent == JobRuntime{});
  JobRuntime wrong;
  state_detail::decode_policy_fields(
      json::parse(R"({"autoResumeStreak": "x", "restartOnStall": 1, "mute": [1]})").as_object(),
      wrong);
  CHECK(wrong.resume_streak == 0);
  CHECK_FALSE(wrong.restart_on_stall);
  CHECK(wrong.mute == MuteRecord{});
  JobRuntime negative;
  state_detail::decode_policy_fields(json::parse(R"({"autoResumeStreak": -4})").as_object(),
                                     negative);
  CHECK(negative.resume_streak == 0);
}
