#include "rpc/run_view.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace opsd;
namespace json = boost::json;

namespace {

json::object render(const JobRuntime& rt, bool history) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  write_run_fields(w, rt, history);
  w.end_object();
  return json::parse(out).as_object();
}

}  // namespace

TEST_CASE("a job without exits or runs shows nulls", "[run_view]") {
  json::object o = render(JobRuntime{}, false);
  CHECK(o.at("lastExit").is_null());
  CHECK(o.at("lastRun").is_null());
  CHECK_FALSE(o.contains("runs"));
}

TEST_CASE("lastExit names the signal; lastRun the outcome; runs only with history", "[run_view]") {
  JobRuntime rt;
  ExitRecord e;
  e.at = 1'700'000'000'000;
  e.signal = 9;
  e.runtime_ms = 1234;
  e.crashed = true;
  rt.last_exit = e;
  JobRun r;
  r.number = 2;
  r.exit_code = 4;
  r.ended_at = 1'700'000'000'000;
  r.markers = {"ALERT: x"};
  r.stdout_tail = "out";
  r.stderr_tail = "err";
  rt.runs = {JobRun{}, r};
  json::object o = render(rt, true);
  const json::object& x = o.at("lastExit").as_object();
  CHECK(x.at("signal").as_string() == "SIGKILL");
  CHECK(x.at("code").is_null());
  CHECK(x.at("runtimeMs").as_int64() == 1234);
  CHECK(x.at("at").as_string() == "2023-11-14T22:13:20Z");
  const json::object& l = o.at("lastRun").as_object();
  CHECK(l.at("exitCode").as_int64() == 4);
  CHECK(l.at("marker").as_string() == "ALERT: x");
  CHECK(l.at("outputTail").as_string() == "out\nerr");
  CHECK(l.at("chain").is_null());
  CHECK(o.at("runs").as_array().size() == 2);
  CHECK_FALSE(render(rt, false).contains("runs"));
}
