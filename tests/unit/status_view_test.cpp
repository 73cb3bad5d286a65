#include "rpc/status_view.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "rpc/protocol.hpp"

namespace json = boost::json;
using opsd::Config;
using opsd::DaemonInfo;
using opsd::Job;
using opsd::JobRuntime;
using opsd::JobState;
using opsd::State;

namespace {

constexpr opsd::TimeMs kNow = 1'700'000'000'000;

Config two_jobs() {
  Config c;
  Job a;
  a.id = "scan";
  a.name = "Scan";
  a.enabled = true;
  Job b;
  b.id = "idle";
  b.name = "idle";
  c.jobs = {a, b};
  return c;
}

State scan_running() {
  State s;
  JobRuntime& rt = s.jobs["scan"];
  rt.state = JobState::running;
  rt.running = true;
  rt.pid = 42;
  rt.progress_json = R"({"done":3,"total":10})";
  rt.last_progress_at = kNow - 1000;
  rt.probe.ok = true;
  rt.probe.at = kNow - 500;
  rt.history.push_back({kNow - 2000, JobState::starting, JobState::running, "status: running"});
  return s;
}

DaemonInfo info() { return DaemonInfo{"1.2.3", 99, kNow - 60'000, "/c", "/s", "/sock", "print"}; }

}  // namespace

TEST_CASE("status renders every configured job in config order with the schema fields",
          "[status_view]") {
  json::object out = opsd::render_status(two_jobs(), scan_running(), info(), "", kNow);
  CHECK(out.at("daemon").at("version") == "1.2.3");
  CHECK(out.at("daemon").at("pid") == 99);
  const json::array& jobs = out.at("jobs").as_array();
  REQUIRE(jobs.size() == 2);
  const json::object& scan = jobs[0].as_object();
  CHECK(scan.at("id") == "scan");
  CHECK(scan.at("state") == "running");
  CHECK(scan.at("running") == true);
  CHECK(scan.at("pid") == 42);
  CHECK(scan.at("ownedPid").is_null());
  CHECK(scan.at("progress") == json::parse(R"({"done":3,"total":10})"));
  CHECK(scan.at("lastProgressAt") == "2023-11-14T22:13:19Z");
  CHECK(scan.at("probe").at("ok") == true);
  CHECK(scan.at("lastEvent").at("reason") == "status: running");
  // A job never seen yet renders from a fresh runtime: stopped, nulls, no probe verdict.
  const json::object& idle = jobs[1].as_object();
  CHECK(idle.at("state") == "stopped");
  CHECK(idle.at("progress").is_null());
  CHECK(idle.at("probe").at("ok").is_null());
  CHECK(idle.at("lastEvent").is_null());
  CHECK(out.at("outbox").at("pending") == 0);
}

TEST_CASE("status for one job keeps only that job", "[status_view]") {
  json::object out = opsd::render_status(two_jobs(), scan_running(), info(), "idle", kNow);
  REQUIRE(out.at("jobs").as_array().size() == 1);
  CHECK(out.at("jobs").as_array()[0].at("id") == "idle");
}

TEST_CASE("a status answer outlives its render call and serializes as a plain value",
          "[status_view]") {
  json::value result = opsd::render_status(two_jobs(), scan_running(), info(), "", kNow);
  json::value copy = json::parse(json::serialize(result));
  CHECK(copy == result);
  // make_result writes the same bytes as the framed object would.
  std::string framed =
      json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", 7}, {"result", result}}) + "\n";
  CHECK(opsd::make_result(7, result) == framed);
}

TEST_CASE("render_job_status matches the job's entry of the full status", "[status_view]") {
  State s = scan_running();
  Config c = two_jobs();
  json::object one = opsd::render_job_status(c.jobs[0], &s.jobs["scan"], kNow);
  json::object out = opsd::render_status(c, s, info(), "", kNow);
  CHECK(json::value(one) == out.at("jobs").as_array()[0]);
}
