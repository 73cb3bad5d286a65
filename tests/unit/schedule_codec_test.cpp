#include "state/schedule_codec.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

namespace opsd {

using namespace opsd::state_detail;

TEST_CASE("a job's schedule marks round-trip through the state file", "[state][schedule]") {
  ScheduleRuntime s{1'000, 1'500, 900, "every 1s"};
  boost::json::object job;
  job["schedule"] = encode_schedule(s, {});
  CHECK(decode_schedule(job) == s);
}

TEST_CASE("no schedule is null; missing or broken fields decode as none", "[state][schedule]") {
  CHECK(encode_schedule(ScheduleRuntime{}, {}).is_null());
  CHECK(decode_schedule(boost::json::object{}) == ScheduleRuntime{});
  boost::json::object job =
      boost::json::parse(R"({"schedule": {"nextRunAt": "x", "spec": 3}})").as_object();
  CHECK(decode_schedule(job) == ScheduleRuntime{});
  job = boost::json::parse(R"({"schedule": "every 5s"})").as_object();
  CHECK(decode_schedule(job) == ScheduleRuntime{});
}

}  // namespace opsd
