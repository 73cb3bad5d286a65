#include "notify/outbox.hpp"

#include <catch2/catch.hpp>
#include <string>

using opsd::OutboxOutcome;
using opsd::SendResult;
using opsd::State;
using opsd::TimeMs;

namespace {

constexpr TimeMs kNow = 1'700'000'000'000;

// `n` copies of `c` followed by `tail`.
std::string line_of(std::size_t n, char c, const std::string& tail) {
  std::string s(n, c);
  s.append(tail);
  return s;
}

SendResult result(SendResult::Kind kind, std::string error = "") {
  SendResult r;
  r.kind = kind;
  r.error = std::move(error);
  return r;
}

}  // namespace

TEST_CASE("outbox: enqueue assigns increasing seq and splits long texts", "[outbox]") {
  State s;
  opsd::outbox_enqueue(s, "first", false, "42", kNow);
  opsd::outbox_enqueue(s, line_of(4096, 'a', "\ntail"), true, "42", kNow + 5);
  REQUIRE(s.outbox.size() == 3);
  CHECK(s.outbox[0].seq == 1);
  CHECK(s.outbox[1].seq == 2);
  CHECK(s.outbox[2].seq == 3);
  CHECK(s.next_outbox_seq == 4);
  CHECK(s.outbox[1].text.size() == 4096);
  CHECK(s.outbox[2].text == "\ntail");
  CHECK(s.outbox[2].alert);
  CHECK(s.outbox[2].target == "42");
  CHECK(s.outbox[2].next_attempt_at == kNow + 5);
  CHECK(s.outbox[0].created_at == kNow);
}

TEST_CASE("outbox: whitespace-only pieces and empty texts are not queued", "[outbox]") {
  State s;
  opsd::outbox_enqueue(s, "", false, "1", kNow);
  opsd::outbox_enqueue(s, " \n\n", false, "1", kNow);
  CHECK(s.outbox.empty());
  opsd::outbox_enqueue(s, line_of(4096, 'x', "\n"), false, "1", kNow);
  REQUIRE(s.outbox.size() == 1);  // the trailing "\n" piece is dropped
  CHECK(s.outbox[0].text == std::string(4096, 'x'));
}

TEST_CASE("outbox: delivery is in seq order, head of line blocks later items", "[outbox]") {
  State s;
  opsd::outbox_enqueue(s, "one", false, "1", kNow);
  opsd::outbox_enqueue(s, "two", false, "2", kNow);
  std::swap(s.outbox[0], s.outbox[1]);  // storage order does not matter, seq does
  const auto* head = opsd::outbox_next_due(s, kNow);
  REQUIRE(head != nullptr);
  CHECK(head->text == "one");

  CHECK(opsd::outbox_on_result(s, 1, result(SendResult::Kind::transient, "HTTP 502"), kNow, 0) ==
        OutboxOutcome::rescheduled);
  CHECK(opsd::outbox_next_due(s, kNow) == nullptr);  // "two" waits behind "one"
  CHECK(opsd::outbox_next_attempt(s) == kNow + 1000);
  head = opsd::outbox_next_due(s, kNow + 1000);
  REQUIRE(head != nullptr);
  CHECK(head->text == "one");

  CHECK(opsd::outbox_on_result(s, 1, result(SendResult::Kind::delivered), kNow + 1000, 0) ==
        OutboxOutcome::delivered);
  head = opsd::outbox_next_due(s, kNow + 1000);
  REQUIRE(head != nullptr);
  CHECK(head->text == "two");
  CHECK(opsd::outbox_on_result(s, 2, result(SendResult::Kind::delivered), kNow, 0) ==
        OutboxOutcome::delivered);
  CHECK(s.outbox.empty());
  CHECK(opsd::outbox_next_attempt(s) == 0);
  CHECK(opsd::outbox_next_due(s, kNow) == nullptr);
}

TEST_CASE("outbox: 429 waits retry_after seconds", "[outbox]") {
  State s;
  opsd::outbox_enqueue(s, "m", false, "1", kNow);
  SendResult r = result(SendResult::Kind::retry_after, "HTTP 429: Too Many Requests");
  r.retry_after_seconds = 37;
  CHECK(opsd::outbox_on_result(s, 1, r, kNow, 12345) == OutboxOutcome::rescheduled);
  REQUIRE(s.outbox.size() == 1);
  CHECK(s.outbox[0].next_attempt_at == kNow + 37'000);  // no jitter on retry_after
  CHECK(s.outbox[0].attempts == 1);
  CHECK(s.outbox[0].last_error == "HTTP 429: Too Many Requests");
  CHECK(opsd::outbox_next_due(s, kNow + 36'999) == nullptr);
  CHECK(opsd::outbox_next_due(s, kNow + 37'000) != nullptr);

  r.retry_after_seconds = 0;  // a missing value still waits a little
  opsd::outbox_on_result(s, 1, r, kNow, 0);
  CHECK(s.outbox[0].next_attempt_at == kNow + 1000);
}

TEST_CASE("outbox: transient failures back off exponentially up to 300 s", "[outbox]") {
  CHECK(opsd::outbox_backoff(1) == 1000);
  CHECK(opsd::outbox_backoff(2) == 2000);
  CHECK(opsd::outbox_backoff(3) == 4000);
  CHECK(opsd::outbox_backoff(9) == 256'000);
  CHECK(opsd::outbox_backoff(10) == 300'000);
  CHECK(opsd::outbox_backoff(1000) == 300'000);

  State s;
  opsd::outbox_enqueue(s, "m", false, "1", kNow);
  TimeMs last_wait = 0;
  for (int attempt = 1; attempt <= 30; ++attempt) {
    const std::uint32_t seed = 0xFFFFFFFFu - static_cast<std::uint32_t>(attempt);
    opsd::outbox_on_result(s, 1, result(SendResult::Kind::transient, "timeout"), kNow, seed);
    const TimeMs wait = s.outbox[0].next_attempt_at - kNow;
    const TimeMs base = opsd::outbox_backoff(attempt);
    CHECK(wait <= base);
    CHECK(wait >= base * 3 / 4);
    last_wait = wait;
  }
  CHECK(s.outbox[0].attempts == 30);
  CHECK(last_wait <= 300'000);
  CHECK(last_wait >= 225'000);
}

TEST_CASE("outbox: jitter varies with the seed", "[outbox]") {
  State a;
  State b;
  for (State* s : {&a, &b}) {
    opsd::outbox_enqueue(*s, "m", false, "1", kNow);
    for (int i = 0; i < 5; ++i) {
      opsd::outbox_on_result(*s, 1, result(SendResult::Kind::transient), kNow,
                             s == &a ? 1u : 7919u);
    }
  }
  CHECK(a.outbox[0].next_attempt_at != b.outbox[0].next_attempt_at);
}

TEST_CASE("outbox: permanent failure drops the item and records the error", "[outbox]") {
  State s;
  opsd::outbox_enqueue(s, "blocked", true, "99", kNow);
  opsd::outbox_enqueue(s, "next", false, "99", kNow);
  SendResult r = result(SendResult::Kind::permanent, "HTTP 403: Forbidden: bot was blocked");
  r.http_status = 403;
  CHECK(opsd::outbox_on_result(s, 1, r, kNow, 0) == OutboxOutcome::dropped);
  REQUIRE(s.outbox.size() == 1);
  CHECK(s.outbox[0].text == "next");
  CHECK(s.outbox_last_error == "chat 99: HTTP 403: Forbidden: bot was blocked");
  CHECK(opsd::outbox_next_due(s, kNow) == &s.outbox[0]);
}

TEST_CASE("outbox: migrate_to_chat_id retargets the chat's items and retries at once", "[outbox]") {
  State s;
  opsd::outbox_enqueue(s, "a", false, "-100", kNow);
  opsd::outbox_enqueue(s, "b", false, "-100", kNow);
  opsd::outbox_enqueue(s, "c", false, "555", kNow);
  SendResult r = result(SendResult::Kind::permanent, "group upgraded to a supergroup");
  r.http_status = 400;
  r.migrate_to_chat_id = "-100777";
  CHECK(opsd::outbox_on_result(s, 1, r, kNow + 10, 0) == OutboxOutcome::retargeted);
  REQUIRE(s.outbox.size() == 3);
  CHECK(s.outbox[0].target == "-100777");
  CHECK(s.outbox[1].target == "-100777");
  CHECK(s.outbox[2].target == "555");
  CHECK(s.outbox_last_error.empty());
  const auto* head = opsd::outbox_next_due(s, kNow + 10);
  REQUIRE(head != nullptr);
  CHECK(head->seq == 1);

  // A second migration to the same id cannot loop: it is a plain permanent failure.
  CHECK(opsd::outbox_on_result(s, 1, r, kNow + 10, 0) == OutboxOutcome::dropped);
}

TEST_CASE("outbox: an unknown seq changes nothing", "[outbox]") {
  State s;
  opsd::outbox_enqueue(s, "a", false, "1", kNow);
  CHECK(opsd::outbox_on_result(s, 42, result(SendResult::Kind::delivered), kNow, 0) ==
        OutboxOutcome::unknown_seq);
  CHECK(s.outbox.size() == 1);
  CHECK(s.outbox[0].attempts == 0);
}

TEST_CASE("outbox: at most one message per second per chat with a pacer", "[outbox]") {
  State s;
  opsd::ChatPacer pacer;
  opsd::outbox_enqueue(s, "a", false, "1", kNow);
  opsd::outbox_enqueue(s, "b", false, "1", kNow);
  REQUIRE(opsd::outbox_next_due(s, kNow, &pacer) != nullptr);
  pacer.record_send("1", kNow);
  opsd::outbox_on_result(s, 1, result(SendResult::Kind::delivered), kNow, 0);
  CHECK(opsd::outbox_next_due(s, kNow + 999, &pacer) == nullptr);
  CHECK(opsd::outbox_next_due(s, kNow + 999) != nullptr);  // without a pacer: due
  CHECK(opsd::outbox_next_attempt(s, &pacer) == kNow + 1000);
  CHECK(opsd::outbox_next_due(s, kNow + 1000, &pacer) != nullptr);
  CHECK(pacer.ready_at("other") == 0);
}

TEST_CASE("outbox: past the routine cap the oldest routine reports go, alerts stay", "[outbox]") {
  State s;
  opsd::outbox_enqueue(s, "alert 0", true, "1", kNow);
  for (std::size_t i = 0; i < opsd::kOutboxMaxRoutine; ++i)
    CHECK(opsd::outbox_enqueue(s, "routine " + std::to_string(i), false, "1", kNow) == 0);
  CHECK(s.outbox_last_error.empty());
  CHECK(opsd::outbox_enqueue(s, "routine new", false, "1", kNow) == 1);
  CHECK(opsd::outbox_enqueue(s, "alert 1", true, "1", kNow) == 0);
  REQUIRE(s.outbox.size() == opsd::kOutboxMaxRoutine + 2);
  CHECK(s.outbox.front().text == "alert 0");  // the oldest message of all, kept: an alert
  CHECK(s.outbox[1].text == "routine 1");     // "routine 0" was dropped
  CHECK(s.outbox[s.outbox.size() - 2].text == "routine new");
  CHECK(s.outbox.back().text == "alert 1");
  CHECK(s.outbox_last_error.find("dropped 1 old routine") != std::string::npos);
  // Order is kept: seq still increases along the outbox.
  for (std::size_t i = 1; i < s.outbox.size(); ++i) CHECK(s.outbox[i - 1].seq < s.outbox[i].seq);
}

TEST_CASE("outbox: past the overall cap even the oldest alerts go", "[outbox]") {
  State s;
  for (std::size_t i = 0; i < opsd::kOutboxMaxItems; ++i)
    opsd::outbox_enqueue(s, "alert " + std::to_string(i), true, "1", kNow);
  CHECK(s.outbox.size() == opsd::kOutboxMaxItems);
  CHECK(opsd::outbox_enqueue(s, "alert last", true, "1", kNow) == 1);
  CHECK(s.outbox.size() == opsd::kOutboxMaxItems);
  CHECK(s.outbox.front().text == "alert 1");
  CHECK(s.outbox.back().text == "alert last");
  CHECK(s.outbox_last_error.find("1 old alert(s)") != std::string::npos);
}

TEST_CASE("outbox: text that is not UTF-8 is queued repaired (Telegram refuses it)", "[outbox]") {
  State s;
  opsd::outbox_enqueue(s, "ALERT disk \xff full", true, "1", kNow);
  REQUIRE(s.outbox.size() == 1);
  CHECK(s.outbox[0].text == "ALERT disk \xef\xbf\xbd full");
}
