#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "state/state_codec.hpp"

namespace json = boost::json;
using opsd::JobState;
using opsd::State;

namespace {

constexpr opsd::TimeMs kNow = 1'700'000'000'000;

State busy_state() {
  State s;
  s.saved_at = kNow;
  for (int i = 0; i < 3; ++i) {
    opsd::JobRuntime& rt = s.jobs["job-" + std::to_string(i)];
    rt.state = JobState::running;
    rt.running = true;
    rt.pid = 100 + i;
    rt.progress_json = R"({"done":)" + std::to_string(i) + "}";
    rt.progress_key = std::to_string(i);
    rt.probe = {true, "", kNow - 10, 0};
    rt.auto_resume_times = {kNow - 5000};
    rt.history.push_back({kNow - 1000, JobState::starting, JobState::running, "status: running"});
  }
  opsd::QueueItem q;
  q.id = "q-7";
  q.job_id = "check";
  q.exit_code = 3;
  s.queue.push_back(q);
  s.next_queue_id = 8;
  opsd::OutboxItem m;
  m.seq = 4;
  m.text = "hello";
  s.outbox.push_back(m);
  s.next_outbox_seq = 5;
  opsd::ApprovalRecord a;
  a.job_id = "write";
  a.fingerprint = "abc";
  a.expires_at = kNow + 1000;
  s.approvals.push_back(a);
  return s;
}

}  // namespace

TEST_CASE("an encoded state decodes to a state that encodes to the same text", "[state_codec]") {
  const std::string first = json::serialize(opsd::encode_state(busy_state()));
  auto decoded = opsd::decode_state(json::parse(first));
  REQUIRE(decoded);
  CHECK(json::serialize(opsd::encode_state(*decoded)) == first);
  CHECK(decoded->jobs.at("job-2").progress_json == R"({"done":2})");
  CHECK(decoded->queue.at(0).exit_code == 3);
  CHECK(decoded->outbox.at(0).text == "hello");
}

TEST_CASE("an encoded state outlives its State and can be edited like a plain value",
          "[state_codec]") {
  json::value v;
  {
    State s = busy_state();
    v = opsd::encode_state(s);
  }
  v.as_object()["updatedAt"] = "2023-11-14T22:13:20Z";
  v.as_object()["jobs"].as_object()["job-0"].as_object()["message"] = std::string(1000, 'm');
  json::value copy = json::parse(json::serialize(v));
  CHECK(copy == v);
  CHECK(copy.at("jobs").at("job-1").at("pid") == 101);
  CHECK(copy.at("jobs").at("job-0").at("message").as_string().size() == 1000);
}
