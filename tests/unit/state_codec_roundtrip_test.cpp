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
  opsd::ApprovalRecord a;
  a.job_id = "write";
  a.fingerprint = "abc";
  a.expires_at = kNow + 1000;
  s.approvals.push_back(a);
  opsd::WriteChain c;
  c.job_id = "write";
  c.uid = 1000;
  c.started_at = kNow - 3000;
  c.write_exit = 0;
  c.verify_started_at = kNow - 2000;
  c.verifications.push_back({"check", "q-7", 0, true, "rows ok"});
  c.verifications.push_back({"commands.verify", "", std::nullopt, false, ""});
  s.write_chains.push_back(c);
  opsd::WriteChain running;
  running.job_id = "write";
  running.started_at = kNow - 10;
  s.write_chains.push_back(running);
  return s;
}

opsd::OutboxState busy_outbox() {
  opsd::OutboxState o;
  opsd::OutboxItem m;
  m.seq = 4;
  m.text = "hello";
  o.items.push_back(m);
  o.next_seq = 5;
  o.last_error = "retrying: chat 1: HTTP 502";
  return o;
}

}  // namespace

TEST_CASE("an encoded state decodes to a state that encodes to the same text", "[state_codec]") {
  const std::string first = json::serialize(opsd::encode_state(busy_state(), busy_outbox()));
  auto decoded = opsd::decode_state(json::parse(first));
  REQUIRE(decoded);
  const opsd::OutboxState outbox = opsd::decode_outbox(json::parse(first));
  CHECK(json::serialize(opsd::encode_state(*decoded, outbox)) == first);
  CHECK(decoded->jobs.at("job-2").progress_json == R"({"done":2})");
  CHECK(decoded->queue.at(0).exit_code == 3);
  CHECK(outbox.items.at(0).text == "hello");
  CHECK(outbox.next_seq == 5);
  CHECK(outbox.last_error == "retrying: chat 1: HTTP 502");
}

TEST_CASE("an encoded state outlives its State and can be edited like a plain value",
          "[state_codec]") {
  json::value v;
  {
    State s = busy_state();
    v = opsd::encode_state(s, busy_outbox());
  }
  v.as_object()["updatedAt"] = "2023-11-14T22:13:20Z";
  v.as_object()["jobs"].as_object()["job-0"].as_object()["message"] = std::string(1000, 'm');
  json::value copy = json::parse(json::serialize(v));
  CHECK(copy == v);
  CHECK(copy.at("jobs").at("job-1").at("pid") == 101);
  CHECK(copy.at("jobs").at("job-0").at("message").as_string().size() == 1000);
}

TEST_CASE("unsettled write chains survive encode and decode field by field", "[state_codec]") {
  auto decoded =
      opsd::decode_state(json::parse(json::serialize(opsd::encode_state(busy_state(), {}))));
  REQUIRE(decoded);
  REQUIRE(decoded->write_chains.size() == 2);
  const opsd::WriteChain& c = decoded->write_chains[0];
  CHECK(c.job_id == "write");
  CHECK(c.uid == 1000);
  CHECK(c.started_at == kNow - 3000);
  CHECK(c.write_exit == 0);
  CHECK(c.write_note.empty());
  CHECK(c.verify_started_at == kNow - 2000);
  REQUIRE(c.verifications.size() == 2);
  CHECK(c.verifications[0].name == "check");
  CHECK(c.verifications[0].item_id == "q-7");
  CHECK(c.verifications[0].exit_code == 0);
  CHECK(c.verifications[0].passed);
  CHECK(c.verifications[0].output == "rows ok");
  CHECK(c.verifications[1].name == "commands.verify");
  CHECK_FALSE(c.verifications[1].exit_code);
  CHECK(c.pending("", "commands.verify") == 1u);
  // A write that had not ended yet keeps "no exit" (null), not 0.
  CHECK_FALSE(decoded->write_chains[1].write_exit);
  CHECK(decoded->write_chains[1].uid == -1);
}

TEST_CASE("a state file without writeChains loads with no chains", "[state_codec]") {
  auto decoded = opsd::decode_state(json::parse(R"({"version": 1, "jobs": {}, "queue": []})"));
  REQUIRE(decoded);
  CHECK(decoded->write_chains.empty());
  decoded = opsd::decode_state(json::parse(R"({"version": 1, "writeChains": {"w": 1}})"));
  REQUIRE(decoded);
  CHECK(decoded->write_chains.empty());
}

TEST_CASE("malformed write chain entries are skipped, the rest load", "[state_codec]") {
  auto decoded = opsd::decode_state(json::parse(R"({"version": 1, "writeChains": [
      7, "w", {"uid": 5}, {"jobId": ""},
      {"jobId": "w", "uid": "me", "writeExit": "zero", "startedAt": -4,
       "verifications": [3, {"itemId": "q-1"}, {"name": "v", "exitCode": 1.5, "passed": true},
                         {"name": "x", "exitCode": 99999999999, "passed": true}]}]})"));
  REQUIRE(decoded);
  REQUIRE(decoded->write_chains.size() == 1);
  const opsd::WriteChain& c = decoded->write_chains[0];
  CHECK(c.job_id == "w");
  CHECK(c.uid == -1);
  CHECK_FALSE(c.write_exit);
  CHECK(c.started_at == 0);
  REQUIRE(c.verifications.size() == 2);
  CHECK(c.verifications[0].name == "v");
  // An exit code that is not an int leaves the verification unfinished, never "passed".
  CHECK_FALSE(c.verifications[0].exit_code);
  CHECK_FALSE(c.verifications[0].passed);
  CHECK_FALSE(c.verifications[1].exit_code);
  CHECK_FALSE(c.verifications[1].passed);
}

TEST_CASE("a state file with the outbox keys of earlier versions loads both parts",
          "[state_codec]") {
  const json::value v = json::parse(R"({"version": 1, "jobs": {"a": {"state": "running"}},
      "queue": [], "nextQueueId": 3,
      "outbox": [{"seq": 9, "text": "late", "alert": true, "target": "", "createdAt": 5,
                  "attempts": 2, "nextAttemptAt": 7, "lastError": "HTTP 502"},
                 {"seq": 8, "text": "early"}],
      "nextOutboxSeq": 4, "outboxLastError": "chat 42: HTTP 403: Forbidden"})");
  auto state = opsd::decode_state(v);
  REQUIRE(state);
  CHECK(state->jobs.count("a") == 1);
  const opsd::OutboxState outbox = opsd::decode_outbox(v);
  REQUIRE(outbox.items.size() == 2);
  CHECK(outbox.items[0].text == "early");  // in seq order
  CHECK(outbox.items[1].attempts == 2);
  CHECK(outbox.items[1].alert);
  CHECK(outbox.next_seq == 10);  // past every queued seq
  CHECK(outbox.last_error == "chat 42: HTTP 403: Forbidden");
  // And it is written back under the same keys.
  const json::value again = opsd::encode_state(*state, outbox);
  CHECK(again.at("outbox").as_array().size() == 2);
  CHECK(again.at("nextOutboxSeq") == 10);
  CHECK(again.at("outboxLastError") == "chat 42: HTTP 403: Forbidden");
}

TEST_CASE("queue item statuses are a closed set that round-trips by name", "[state_codec]") {
  using opsd::QueueStatus;
  for (QueueStatus st : {QueueStatus::pending, QueueStatus::running, QueueStatus::done,
                         QueueStatus::failed, QueueStatus::skipped})
    CHECK(opsd::parse_queue_status(opsd::to_string(st)) == st);
  CHECK(opsd::parse_queue_status("blocked") == QueueStatus::skipped);  // the original's word
  CHECK(opsd::parse_queue_status("") == QueueStatus::pending);
  CHECK(opsd::parse_queue_status("exploded") == QueueStatus::failed);
  auto decoded = opsd::decode_state(json::parse(
      R"({"version": 1, "queue": [{"id": "q-1", "status": "blocked"}, {"id": "q-2"}]})"));
  REQUIRE(decoded);
  CHECK(decoded->queue.at(0).status == QueueStatus::skipped);
  CHECK(decoded->queue.at(1).status == QueueStatus::pending);
  // Written in the original's word, so a rollback to ops-monitor.py reads it as refused.
  CHECK(opsd::encode_state(*decoded, {}).at("queue").at(0).at("status") == "blocked");
}

TEST_CASE("card updates and open cards round-trip; a file without them has none",
          "[state_codec][cards]") {
  opsd::OutboxState outbox;
  opsd::OutboxItem edit;
  edit.seq = 3;
  edit.text = "card v2";
  edit.card = "scan";
  edit.message_id = "501";
  edit.not_before = kNow + 10'000;
  edit.card_final = true;
  opsd::OutboxItem group;
  group.seq = 4;
  group.text = "H\n\na";
  group.group = true;
  group.not_before = kNow + 3'000;
  outbox.items = {edit, group};
  outbox.next_seq = 5;
  outbox.cards["scan"] = opsd::CardRecord{"42", "501", kNow};
  const json::value v = opsd::encode_state(State{}, outbox);
  const opsd::OutboxState back = opsd::decode_outbox(json::parse(json::serialize(v)));
  REQUIRE(back.items.size() == 2);
  CHECK(back.items[0].card == "scan");
  CHECK(back.items[0].message_id == "501");
  CHECK(back.items[0].not_before == kNow + 10'000);
  CHECK(back.items[0].card_final);
  CHECK(back.items[1].group);
  CHECK(back.items[1].card.empty());
  CHECK(back.cards == outbox.cards);
  // A plain message is written with the keys it always had.
  CHECK_FALSE(v.at("outbox").at(1).as_object().contains("card"));
  CHECK(opsd::decode_outbox(json::parse(R"({"outbox": []})")).cards.empty());
}

TEST_CASE("an owned child's identity survives encode and decode; old files have none",
          "[state_codec][adopt]") {
  opsd::State s;
  opsd::JobRuntime& rt = s.jobs["scan"];
  rt.owned_pid = 4242;
  rt.owned = opsd::OwnedIdentity{4242, 987654, 4243, 4243, 987655, true};
  auto decoded = opsd::decode_state(json::parse(json::serialize(opsd::encode_state(s, {}))));
  REQUIRE(decoded);
  CHECK(decoded->jobs.at("scan").owned == rt.owned);
  auto old = opsd::decode_state(
      json::parse(R"({"version": 1, "jobs": {"scan": {"state": "running", "ownedPid": 4242}}})"));
  REQUIRE(old);
  CHECK(old->jobs.at("scan").owned_pid == 4242);
  CHECK(old->jobs.at("scan").owned == opsd::OwnedIdentity{});
}
