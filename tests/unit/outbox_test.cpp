#include "notify/outbox.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "notify/outbox_cards.hpp"

using opsd::OutboxOutcome;
using opsd::OutboxState;
using opsd::SendResult;
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
  OutboxState s;
  opsd::outbox_enqueue(s, "first", false, "42", kNow);
  opsd::outbox_enqueue(s, line_of(4096, 'a', "\ntail"), true, "42", kNow + 5);
  REQUIRE(s.items.size() == 3);
  CHECK(s.items[0].seq == 1);
  CHECK(s.items[1].seq == 2);
  CHECK(s.items[2].seq == 3);
  CHECK(s.next_seq == 4);
  CHECK(s.items[1].text.size() == 4096);
  CHECK(s.items[2].text == "\ntail");
  CHECK(s.items[2].alert);
  CHECK(s.items[2].target == "42");
  CHECK(s.items[2].next_attempt_at == kNow + 5);
  CHECK(s.items[0].created_at == kNow);
}

TEST_CASE("outbox: messages and card updates draw seq from one counter", "[outbox]") {
  OutboxState s;
  opsd::outbox_enqueue(s, "alert", true, "42", kNow);
  opsd::outbox_enqueue_card(s, "card:scan", "scan 10%", false, kNow + 1, 10'000);
  opsd::outbox_enqueue(s, "report", false, "42", kNow + 2);
  REQUIRE(s.items.size() == 3);
  CHECK(s.items[0].seq == 1);
  CHECK(s.items[1].seq == 2);
  CHECK(s.items[1].card == "card:scan");
  CHECK(s.items[1].created_at == kNow + 1);
  CHECK(s.items[1].next_attempt_at == kNow + 1);
  CHECK(s.items[2].seq == 3);
  CHECK(s.next_seq == 4);
}

TEST_CASE("outbox: whitespace-only pieces and empty texts are not queued", "[outbox]") {
  OutboxState s;
  opsd::outbox_enqueue(s, "", false, "1", kNow);
  opsd::outbox_enqueue(s, " \n\n", false, "1", kNow);
  CHECK(s.items.empty());
  opsd::outbox_enqueue(s, line_of(4096, 'x', "\n"), false, "1", kNow);
  REQUIRE(s.items.size() == 1);  // the trailing "\n" piece is dropped
  CHECK(s.items[0].text == std::string(4096, 'x'));
}

TEST_CASE("outbox: delivery is in seq order, head of line blocks later items", "[outbox]") {
  OutboxState s;
  opsd::outbox_enqueue(s, "one", false, "1", kNow);
  opsd::outbox_enqueue(s, "two", false, "2", kNow);
  std::swap(s.items[0], s.items[1]);  // storage order does not matter, seq does
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
  CHECK(s.items.empty());
  CHECK(opsd::outbox_next_attempt(s) == 0);
  CHECK(opsd::outbox_next_due(s, kNow) == nullptr);
}

TEST_CASE("outbox: 429 waits retry_after seconds", "[outbox]") {
  OutboxState s;
  opsd::outbox_enqueue(s, "m", false, "1", kNow);
  SendResult r = result(SendResult::Kind::retry_after, "HTTP 429: Too Many Requests");
  r.retry_after_seconds = 37;
  CHECK(opsd::outbox_on_result(s, 1, r, kNow, 12345) == OutboxOutcome::rescheduled);
  REQUIRE(s.items.size() == 1);
  CHECK(s.items[0].next_attempt_at == kNow + 37'000);  // no jitter on retry_after
  CHECK(s.items[0].attempts == 1);
  CHECK(s.items[0].last_error == "HTTP 429: Too Many Requests");
  CHECK(opsd::outbox_next_due(s, kNow + 36'999) == nullptr);
  CHECK(opsd::outbox_next_due(s, kNow + 37'000) != nullptr);

  r.retry_after_seconds = 0;  // a missing value still waits a little
  opsd::outbox_on_result(s, 1, r, kNow, 0);
  CHECK(s.items[0].next_attempt_at == kNow + 1000);
}

TEST_CASE("outbox: transient failures back off exponentially up to 300 s", "[outbox]") {
  CHECK(opsd::outbox_backoff(1) == 1000);
  CHECK(opsd::outbox_backoff(2) == 2000);
  CHECK(opsd::outbox_backoff(3) == 4000);
  CHECK(opsd::outbox_backoff(9) == 256'000);
  CHECK(opsd::outbox_backoff(10) == 300'000);
  CHECK(opsd::outbox_backoff(1000) == 300'000);

  OutboxState s;
  opsd::outbox_enqueue(s, "m", false, "1", kNow);
  TimeMs last_wait = 0;
  for (int attempt = 1; attempt <= 30; ++attempt) {
    const std::uint32_t seed = 0xFFFFFFFFu - static_cast<std::uint32_t>(attempt);
    opsd::outbox_on_result(s, 1, result(SendResult::Kind::transient, "timeout"), kNow, seed);
    const TimeMs wait = s.items[0].next_attempt_at - kNow;
    const TimeMs base = opsd::outbox_backoff(attempt);
    CHECK(wait <= base);
    CHECK(wait >= base * 3 / 4);
    last_wait = wait;
  }
  CHECK(s.items[0].attempts == 30);
  CHECK(last_wait <= 300'000);
  CHECK(last_wait >= 225'000);
}

TEST_CASE("outbox: jitter varies with the seed", "[outbox]") {
  OutboxState a;
  OutboxState b;
  for (OutboxState* s : {&a, &b}) {
    opsd::outbox_enqueue(*s, "m", false, "1", kNow);
    for (int i = 0; i < 5; ++i) {
      opsd::outbox_on_result(*s, 1, result(SendResult::Kind::transient), kNow,
                             s == &a ? 1u : 7919u);
    }
  }
  CHECK(a.items[0].next_attempt_at != b.items[0].next_attempt_at);
}

TEST_CASE("outbox: permanent failure drops the item and records the error", "[outbox]") {
  OutboxState s;
  opsd::outbox_enqueue(s, "blocked", true, "99", kNow);
  opsd::outbox_enqueue(s, "next", false, "99", kNow);
  SendResult r = result(SendResult::Kind::permanent, "HTTP 403: Forbidden: bot was blocked");
  r.http_status = 403;
  CHECK(opsd::outbox_on_result(s, 1, r, kNow, 0) == OutboxOutcome::dropped);
  REQUIRE(s.items.size() == 1);
  CHECK(s.items[0].text == "next");
  CHECK(opsd::outbox_next_due(s, kNow) == &s.items[0]);
}

TEST_CASE("outbox: migrate_to_chat_id retargets the chat's items and retries at once", "[outbox]") {
  OutboxState s;
  opsd::outbox_enqueue(s, "a", false, "-100", kNow);
  opsd::outbox_enqueue(s, "b", false, "-100", kNow);
  opsd::outbox_enqueue(s, "c", false, "555", kNow);
  SendResult r = result(SendResult::Kind::permanent, "group upgraded to a supergroup");
  r.http_status = 400;
  r.migrate_to_chat_id = "-100777";
  CHECK(opsd::outbox_on_result(s, 1, r, kNow + 10, 0) == OutboxOutcome::retargeted);
  REQUIRE(s.items.size() == 3);
  CHECK(s.items[0].target == "-100777");
  CHECK(s.items[1].target == "-100777");
  CHECK(s.items[2].target == "555");
  const auto* head = opsd::outbox_next_due(s, kNow + 10);
  REQUIRE(head != nullptr);
  CHECK(head->seq == 1);

  // A second migration to the same id cannot loop: it is a plain permanent failure.
  CHECK(opsd::outbox_on_result(s, 1, r, kNow + 10, 0) == OutboxOutcome::dropped);
}

TEST_CASE("outbox: an unknown seq changes nothing", "[outbox]") {
  OutboxState s;
  opsd::outbox_enqueue(s, "a", false, "1", kNow);
  CHECK(opsd::outbox_on_result(s, 42, result(SendResult::Kind::delivered), kNow, 0) ==
        OutboxOutcome::unknown_seq);
  CHECK(s.items.size() == 1);
  CHECK(s.items[0].attempts == 0);
}

TEST_CASE("outbox: at most one message per second per chat with a pacer", "[outbox]") {
  OutboxState s;
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
  OutboxState s;
  opsd::outbox_enqueue(s, "alert 0", true, "1", kNow);
  for (std::size_t i = 0; i < opsd::kOutboxMaxRoutine; ++i)
    CHECK(opsd::outbox_enqueue(s, "routine " + std::to_string(i), false, "1", kNow).total() == 0);
  const opsd::OutboxDrops drops = opsd::outbox_enqueue(s, "routine new", false, "1", kNow);
  CHECK(drops.routine == 1);
  CHECK(drops.alerts == 0);
  CHECK(opsd::outbox_enqueue(s, "alert 1", true, "1", kNow).total() == 0);
  REQUIRE(s.items.size() == opsd::kOutboxMaxRoutine + 2);
  CHECK(s.items.front().text == "alert 0");  // the oldest message of all, kept: an alert
  CHECK(s.items[1].text == "routine 1");     // "routine 0" was dropped
  CHECK(s.items[s.items.size() - 2].text == "routine new");
  CHECK(s.items.back().text == "alert 1");
  // Order is kept: seq still increases along the outbox.
  for (std::size_t i = 1; i < s.items.size(); ++i) CHECK(s.items[i - 1].seq < s.items[i].seq);
}

TEST_CASE("outbox: past the overall cap even the oldest alerts go", "[outbox]") {
  OutboxState s;
  for (std::size_t i = 0; i < opsd::kOutboxMaxItems; ++i)
    opsd::outbox_enqueue(s, "alert " + std::to_string(i), true, "1", kNow);
  CHECK(s.items.size() == opsd::kOutboxMaxItems);
  CHECK(opsd::outbox_enqueue(s, "alert last", true, "1", kNow).alerts == 1);
  CHECK(s.items.size() == opsd::kOutboxMaxItems);
  CHECK(s.items.front().text == "alert 1");
  CHECK(s.items.back().text == "alert last");
}

TEST_CASE("outbox: text that is not UTF-8 is queued repaired (Telegram refuses it)", "[outbox]") {
  OutboxState s;
  opsd::outbox_enqueue(s, "ALERT disk \xff full", true, "1", kNow);
  REQUIRE(s.items.size() == 1);
  CHECK(s.items[0].text == "ALERT disk \xef\xbf\xbd full");
}

TEST_CASE("outbox: an alert overtakes waiting routine reports, each kind keeps its order",
          "[outbox]") {
  OutboxState s;
  opsd::outbox_enqueue(s, "routine 1", false, "1", kNow);
  opsd::outbox_enqueue(s, "routine 2", false, "1", kNow);
  // The first routine report is in backoff when the alerts arrive: they do not wait for it.
  opsd::outbox_on_result(s, 1, result(SendResult::Kind::transient, "HTTP 502"), kNow, 0);
  opsd::outbox_enqueue(s, "alert 1", true, "1", kNow);
  opsd::outbox_enqueue(s, "alert 2", true, "1", kNow);
  std::vector<std::string> order;
  TimeMs t = kNow;
  while (!s.items.empty()) {
    const opsd::OutboxItem* head = opsd::outbox_next_due(s, t);
    if (head == nullptr) {
      t = opsd::outbox_next_attempt(s);
      continue;
    }
    order.push_back(head->text);
    opsd::outbox_on_result(s, head->seq, result(SendResult::Kind::delivered), t, 0);
  }
  CHECK(order == std::vector<std::string>{"alert 1", "alert 2", "routine 1", "routine 2"});
  CHECK(t == kNow);  // the first delivery ended the backoff of "routine 1"
}

TEST_CASE("outbox: the first delivery after an outage resets the backoff of its chat", "[outbox]") {
  OutboxState s;
  opsd::outbox_enqueue(s, "old", false, "1", kNow);
  for (int i = 0; i < 8; ++i)
    opsd::outbox_on_result(s, 1, result(SendResult::Kind::transient, "HTTP 502"), kNow, 0);
  opsd::outbox_enqueue(s, "other chat", false, "2", kNow);
  opsd::outbox_on_result(s, 2, result(SendResult::Kind::transient, "HTTP 502"), kNow, 0);
  opsd::outbox_enqueue(s, "alert", true, "1", kNow);
  REQUIRE(s.items[0].next_attempt_at > kNow + 100'000);  // "old" waits minutes
  CHECK(opsd::outbox_on_result(s, 3, result(SendResult::Kind::delivered), kNow + 5, 0) ==
        OutboxOutcome::delivered);
  CHECK(s.items[0].next_attempt_at == kNow + 5);  // due now
  CHECK(s.items[0].attempts == 0);                // a new failure backs off 1 s again
  opsd::outbox_on_result(s, 1, result(SendResult::Kind::transient), kNow + 5, 0);
  CHECK(s.items[0].next_attempt_at == kNow + 5 + 1000);
  CHECK(s.items[1].next_attempt_at == kNow + 1000);  // another chat's backoff is its own
  CHECK(s.items[1].attempts == 1);
}
