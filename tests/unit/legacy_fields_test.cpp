#include "state/legacy_fields.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "state/state_codec.hpp"

namespace json = boost::json;
using opsd::JobState;
using opsd::State;

namespace {

// A state file ops-monitor.py 0.1.0 wrote (shared compat sample): two long jobs, three one-shots.
constexpr const char* kOriginalSample = R"({
  "jobs": {
    "done": {"lastReportAt": 1796140201.790661,
             "lastSeen": {"completed": true, "progressKey": null, "running": false,
                          "stopReason": null},
             "reportedCompleted": true},
    "prog": {"lastProgressAt": 1796140201.564989, "lastProgressKey": "{\"n\": 3}",
             "lastReportAt": 1796140201.790661,
             "lastSeen": {"completed": false, "progressKey": "{\"n\": 3}", "running": true,
                          "stopReason": null}},
    "r1": {"lastRun": {"durationMs": 1, "exitCode": 0, "stderrTail": "",
                       "stdoutTail": "ALERT: from r1"},
           "lastRunAt": 1796139452.4263406}
  },
  "updatedAt": "2026-12-01T15:50:01.796110+00:00",
  "version": 1
})";

State decode(const std::string& text) {
  auto s = opsd::decode_state(json::parse(text));
  REQUIRE(s);
  return *s;
}

json::object encode(const State& s) {
  return opsd::encode_state(s, opsd::OutboxState{}).as_object();
}

}  // namespace

TEST_CASE("the original's sample state keeps its dedup state and stall clock", "[legacy]") {
  const State s = decode(kOriginalSample);
  const opsd::JobRuntime& done = s.jobs.at("done");
  CHECK(done.state == JobState::completed);
  CHECK(done.completed);
  CHECK(done.last_report_digest == "completed|");
  CHECK(done.last_report_at == 1796140201791);
  const opsd::JobRuntime& prog = s.jobs.at("prog");
  CHECK(prog.state == JobState::running);
  CHECK(prog.running);
  CHECK(prog.progress_key == "{\"n\": 3}");
  CHECK(prog.last_report_progress_key == "{\"n\": 3}");
  CHECK(prog.last_progress_at == 1796140201565);
  CHECK(prog.last_report_digest == "running|");
  CHECK(prog.last_anomaly_key.empty());
}

TEST_CASE("a completion the original saw but had not reported is still reported", "[legacy]") {
  const State s = decode(R"({"jobs": {"j": {"lastSeen": {"completed": true, "running": false},
                                            "reportedCompleted": false}}})");
  CHECK(s.jobs.at("j").last_report_digest.empty());
}

TEST_CASE("the original's anomaly keys map to opsd's, field by field", "[legacy]") {
  using opsd::state_detail::anomaly_key_from_legacy;
  CHECK(anomaly_key_from_legacy(R"({"completed": false, "level": null, "message": null,
      "progressKey": "p7", "running": true, "stopReason": null})") == "stalled:p7");
  CHECK(anomaly_key_from_legacy(R"({"completed": false, "level": "alert", "message": "disk",
      "progressKey": "p7", "running": true, "stopReason": null})") == "level:disk");
  CHECK(anomaly_key_from_legacy(R"({"completed": false, "level": "warn", "message": "m",
      "progressKey": null, "running": false, "stopReason": "oom"})") == "paused:oom|m");
  CHECK(anomaly_key_from_legacy("not json").empty());

  const State s = decode(R"({"jobs": {"j": {
      "lastSeen": {"completed": false, "progressKey": "p7", "running": true, "stopReason": null},
      "lastProgressKey": "p7", "lastProgressAt": 1700000000.5,
      "lastAnomalyKey": "{\"completed\": false, \"level\": null, \"message\": null, \"progressKey\": \"p7\", \"running\": true, \"stopReason\": null}",
      "lastAnomalyReportAt": 1700000100.25, "lastAutoResumeAt": 1699999000,
      "lastReportAt": 1700000100.25}}})");
  const opsd::JobRuntime& j = s.jobs.at("j");
  CHECK(j.last_anomaly_key == "stalled:p7");
  CHECK(j.last_alert_at == 1700000100250);
  CHECK(j.last_auto_resume_at == 1699999000000);  // an integer number of seconds
  CHECK(j.last_progress_at == 1700000000500);
}

TEST_CASE("opsd writes the original's fields in its units and shapes", "[legacy]") {
  State s;
  s.saved_at = 1700000000000;
  opsd::JobRuntime& j = s.jobs["scan"];
  j.state = JobState::stalled;
  j.running = true;
  j.progress_key = "{\"n\": 3}";
  j.message = "slow";
  j.last_progress_at = 1699990000123;
  j.last_report_at = 1699999000000;
  j.last_anomaly_key = "stalled:{\"n\": 3}";
  j.last_alert_at = 1699999000000;
  j.last_auto_resume_at = 1699980000500;
  opsd::QueueItem q;
  q.id = "q-1";
  q.job_id = "check";
  q.enqueued_at = 1699999999000;
  q.not_before = 1700000060000;
  q.source = "after:scan";
  s.queue.push_back(q);
  q.id = "q-2";
  q.status = opsd::QueueStatus::skipped;
  q.note = "refused";
  s.queue.push_back(q);

  const json::object o = encode(s);
  const json::object& job = o.at("jobs").at("scan").as_object();
  CHECK(job.at("lastSeen") == json::parse(R"({"running": true, "completed": false,
      "progressKey": "{\"n\": 3}", "stopReason": null})"));
  CHECK(job.at("lastProgressKey") == "{\"n\": 3}");
  CHECK(job.at("lastProgressAt").as_double() == Approx(1699990000.123));
  CHECK(job.at("lastReportAt").as_double() == Approx(1699999000.0));
  CHECK(job.at("lastAnomalyReportAt").is_double());
  CHECK(job.at("lastAutoResumeAt").as_double() == Approx(1699980000.5));
  CHECK(job.at("lastAnomalyKey") ==
        R"({"completed": false, "level": null, "message": "slow", "progressKey": "{\"n\": 3}", )"
        R"("running": true, "stopReason": null})");
  CHECK_FALSE(job.contains("reportedCompleted"));
  const json::array& queue = o.at("queue").as_array();
  CHECK(queue.at(0).at("status") == "pending");
  CHECK(queue.at(0).at("notBefore").as_double() == Approx(1700000060.0));
  CHECK(queue.at(0).at("createdAt").as_double() == Approx(1699999999.0));
  CHECK(queue.at(0).at("reason") == "after:scan");
  CHECK(queue.at(0).at("attempt") == 0);
  CHECK(queue.at(1).at("status") == "blocked");
  CHECK(queue.at(1).at("lastError") == "refused");
  CHECK(o.at("opsdUpdatedAt") == o.at("updatedAt"));

  // And reads them back as they were.
  const State back = decode(json::serialize(o));
  CHECK(back.jobs.at("scan") == j);
  CHECK(back.queue.at(0).not_before == q.not_before - 0);
  CHECK(back.queue.at(1).status == opsd::QueueStatus::skipped);
}

TEST_CASE("opsd's own keys decide while opsd wrote last; the original's once it wrote after",
          "[legacy]") {
  State s;
  s.saved_at = 1700000000000;
  opsd::JobRuntime& j = s.jobs["scan"];
  j.state = JobState::backoff;
  j.last_report_digest = "paused|0123";
  j.last_anomaly_key = "paused:oom|";
  j.last_alert_at = 1699999000000;
  json::object o = encode(s);
  CHECK(decode(json::serialize(o)).jobs.at("scan").state == JobState::backoff);

  // The original ticked after a rollback: it saw the job running again and rewrote updatedAt.
  o["updatedAt"] = "2023-11-14T22:20:00.000000+00:00";
  json::object& job = o["jobs"].as_object()["scan"].as_object();
  job["lastSeen"] = json::parse(R"({"running": true, "completed": false, "progressKey": "k9",
                                    "stopReason": null})");
  job.erase("lastAnomalyKey");
  job["lastProgressAt"] = 1700000400.0;
  const opsd::JobRuntime back = decode(json::serialize(o)).jobs.at("scan");
  CHECK(back.state == JobState::running);
  CHECK(back.running);
  CHECK(back.progress_key == "k9");
  CHECK(back.last_anomaly_key.empty());
  CHECK(back.last_report_digest == "running|");
  CHECK(back.last_progress_at == 1700000400000);
}

TEST_CASE("the original's fields opsd does not use are kept for a rollback", "[legacy]") {
  State s = decode(R"({"lastConfigErrorAt": 1700000000.5, "jobs": {"r1": {
      "lastRun": {"durationMs": 1, "exitCode": 4, "stderrTail": "err", "stdoutTail": "out"},
      "lastRunAt": 1796139452.25, "lastStop": {"exitCode": 0}, "lastStopAt": 17.5}}})");
  s.saved_at = 1700000000000;
  const json::object o = encode(s);
  CHECK(o.at("lastConfigErrorAt") == 1700000000.5);
  const json::object& r1 = o.at("jobs").at("r1").as_object();
  CHECK(r1.at("lastRun") == json::parse(R"({"durationMs": 1, "exitCode": 4, "stderrTail": "err",
                                           "stdoutTail": "out"})"));
  CHECK(r1.at("lastRunAt") == 1796139452.25);
  CHECK(r1.at("lastStopAt") == 17.5);
}

TEST_CASE("times of opsd's earlier files (integer ms) still read as ms", "[legacy]") {
  const State s = decode(R"({"jobs": {"j": {"lastProgressAt": 1700000000123,
                                            "lastAnomalyKey": "stalled:k"}},
                             "queue": [{"id": "q-1", "jobId": "c", "notBefore": 1700000000999}]})");
  CHECK(s.jobs.at("j").last_progress_at == 1700000000123);
  CHECK(s.jobs.at("j").last_anomaly_key == "stalled:k");
  CHECK(s.queue.at(0).not_before == 1700000000999);
}
