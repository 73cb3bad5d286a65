#include "state/run_record_codec.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "state/state_codec.hpp"

using namespace opsd;
namespace json = boost::json;

namespace {

JobRun sample_run() {
  JobRun r;
  r.number = 7;
  r.source = "queue:opsctl";
  r.started_at = 1'700'000'000'000;
  r.ended_at = 1'700'000'001'500;
  r.exit_code = 4;
  r.duration_ms = 1500;
  r.timeout_seconds = 3600;
  r.markers = {"ALERT: disk almost full"};
  r.stdout_tail = "out";
  r.stderr_tail = "err";
  r.chain = "write_failed";
  return r;
}

}  // namespace

TEST_CASE("exits and runs survive an encode and decode", "[run_record_codec]") {
  State s;
  JobRuntime& rt = s.jobs["chk"];
  rt.runs.push_back(sample_run());
  rt.runs_started = 9;
  ExitRecord e;
  e.at = 1'700'000'000'000;
  e.signal = 9;
  e.runtime_ms = 12'000;
  e.log_tail = "last words\n";
  e.judged = true;
  e.crashed = true;
  rt.last_exit = e;
  Result<State> back = decode_state(encode_state(s, OutboxState{}));
  REQUIRE(back);
  const JobRuntime& b = back->jobs.at("chk");
  CHECK(b.runs == rt.runs);
  CHECK(b.runs_started == 9);
  CHECK(b.last_exit == rt.last_exit);
}

TEST_CASE("the newest run is also written as the original's lastRun and lastRunAt",
          "[run_record_codec]") {
  JobRuntime rt;
  rt.runs.push_back(sample_run());
  json::object o;
  state_detail::encode_run_records(rt, o, {});
  const json::object& last = o.at("lastRun").as_object();
  CHECK(last.at("exitCode").as_int64() == 4);
  CHECK(last.at("durationMs").as_int64() == 1500);
  CHECK(last.at("stdoutTail").as_string() == "out");
  CHECK(last.at("stderrTail").as_string() == "err");
  CHECK(o.at("lastRunAt").as_double() == Approx(1'700'000'001.5));
}

TEST_CASE("a state file of the original tool gives one run from its lastRun",
          "[run_record_codec]") {
  json::object o = json::parse(R"({"lastRun": {"exitCode": 2, "durationMs": 311,
      "stdoutTail": "x", "stderrTail": "y"}, "lastRunAt": 1796139452.5})")
                       .as_object();
  JobRuntime rt;
  state_detail::decode_run_records(o, rt);
  REQUIRE(rt.runs.size() == 1);
  CHECK(rt.runs[0].exit_code == 2);
  CHECK(rt.runs[0].duration_ms == 311);
  CHECK(rt.runs[0].ended_at == 1'796'139'452'500);
  CHECK(rt.runs[0].stdout_tail == "x");
  CHECK_FALSE(rt.runs[0].ok);
}

TEST_CASE("wrong-typed run fields take their defaults", "[run_record_codec]") {
  json::object o = json::parse(R"({"opsdRuns": [{"number": "x", "exitCode": "4",
      "markers": [1, "ALERT"]}, 3], "opsdLastExit": {"code": null, "signal": 9}})")
                       .as_object();
  JobRuntime rt;
  state_detail::decode_run_records(o, rt);
  REQUIRE(rt.runs.size() == 1);
  CHECK(rt.runs[0].number == 0);
  CHECK_FALSE(rt.runs[0].exit_code);
  CHECK(rt.runs[0].markers == std::vector<std::string>{"ALERT"});
  REQUIRE(rt.last_exit);
  CHECK(rt.last_exit->signal == 9);
  CHECK_FALSE(rt.last_exit->code);
}
