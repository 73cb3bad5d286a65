#include "notify/outbox_sender.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "fixtures/fake_clock.hpp"

using opsd::OutboxSender;
using opsd::OutboxState;
using opsd::SendResult;
using opsd::TimeMs;

namespace {

// Keeps every send until the test answers it.
class FakeTransport final : public opsd::Transport {
 public:
  struct Send {
    std::string chat, text;
    bool silent = false;
    std::function<void(SendResult)> done;
  };
  void send(const std::string& chat_id, const std::string& text, bool silent,
            std::function<void(SendResult)> done) override {
    sends.push_back({chat_id, text, silent, std::move(done)});
  }
  // Answers the oldest unanswered send.
  void answer(SendResult r) {
    REQUIRE(!sends.empty());
    Send s = std::move(sends.front());
    sends.pop_front();
    answered.push_back(s.text);
    s.done(std::move(r));
  }
  std::deque<Send> sends;
  std::vector<std::string> answered;
};

SendResult result(SendResult::Kind kind, std::string error = "", std::int64_t retry_after = 0) {
  SendResult r;
  r.kind = kind;
  r.error = std::move(error);
  r.retry_after_seconds = retry_after;
  return r;
}

SendResult delivered() { return result(SendResult::Kind::delivered); }

// An OutboxSender on a fake clock and a fake transport, with what it asked of its hooks.
struct Rig {
  explicit Rig(OutboxState initial = {}) {
    opsd::OutboxHooks hooks;
    hooks.route = [this] {
      opsd::OutboxRoute r;
      r.transport = &transport;
      r.default_target = "42";
      r.secret = "123:SECRET";
      r.problem = problem;
      return r;
    };
    hooks.persist = [this] { persisted.push_back(sender->state()); };
    hooks.wake = [this](TimeMs delay) { wake = delay; };
    sender.emplace(std::move(initial), clock, std::move(hooks), 7u);
  }
  // Moves the clock to the requested wake-up and pumps.
  TimeMs wake_up() {
    REQUIRE(wake);
    const TimeMs d = *wake;
    wake.reset();
    clock.advance(d);
    sender->pump();
    return d;
  }
  const std::string& last_error() const { return sender->state().last_error; }

  opsd::FakeClock clock;
  FakeTransport transport;
  std::string problem;
  std::vector<OutboxState> persisted;
  std::optional<TimeMs> wake;
  std::optional<OutboxSender> sender;
};

}  // namespace

TEST_CASE("outbox sender: a message is persisted before its first attempt", "[outbox_sender]") {
  Rig rig;
  rig.sender->start();
  rig.sender->post("ALERT disk full", true);
  REQUIRE(rig.transport.sends.size() == 1);
  REQUIRE(!rig.persisted.empty());
  REQUIRE(rig.persisted.front().items.size() == 1);
  CHECK(rig.persisted.front().items[0].text == "ALERT disk full");
  CHECK(rig.transport.sends[0].chat == "42");
  CHECK_FALSE(rig.transport.sends[0].silent);
  rig.transport.answer(delivered());
  CHECK(rig.sender->pending() == 0);
  CHECK(rig.persisted.back().items.empty());  // the delivery is written too
  CHECK(rig.last_error().empty());
}

TEST_CASE("outbox sender: 429 waits retry_after, then sends the same text once",
          "[outbox_sender]") {
  Rig rig;
  rig.sender->start();
  rig.sender->post("report", false);
  CHECK(rig.transport.sends[0].silent);  // routine reports go without sound
  rig.transport.answer(result(SendResult::Kind::retry_after, "HTTP 429: Too Many Requests", 3));
  CHECK(rig.wake == 3000);
  CHECK(rig.last_error().starts_with("retrying: chat 42: HTTP 429"));
  CHECK(rig.transport.sends.empty());
  rig.clock.advance(2999);
  rig.sender->pump();
  CHECK(rig.transport.sends.empty());  // not before retry_after
  rig.clock.advance(1);
  rig.sender->pump();
  REQUIRE(rig.transport.sends.size() == 1);
  CHECK(rig.transport.sends[0].text == "report");
  rig.transport.answer(delivered());
  CHECK(rig.sender->pending() == 0);
  CHECK(rig.last_error().empty());
}

TEST_CASE("outbox sender: 5xx backs off 1 s, 2 s, 4 s with at most 25% jitter", "[outbox_sender]") {
  Rig rig;
  rig.sender->start();
  rig.sender->post("m", true);
  for (TimeMs base : {1000, 2000, 4000}) {
    rig.transport.answer(result(SendResult::Kind::transient, "HTTP 502: Bad Gateway"));
    REQUIRE(rig.wake);
    CHECK(*rig.wake <= base);
    CHECK(*rig.wake >= base * 3 / 4);
    CHECK(rig.last_error().find("HTTP 502") != std::string::npos);
    rig.wake_up();
    REQUIRE(rig.transport.sends.size() == 1);
  }
  rig.transport.answer(delivered());
  CHECK(rig.transport.answered.size() == 4);
  CHECK(rig.sender->pending() == 0);
  CHECK(rig.last_error().empty());
}

TEST_CASE("outbox sender: a permanent error drops the message, names the chat, goes on",
          "[outbox_sender]") {
  Rig rig;
  rig.sender->start();
  rig.sender->post("blocked", true);
  rig.sender->post("next", false);
  rig.transport.answer(result(SendResult::Kind::permanent, "HTTP 403: Forbidden: bot was blocked"));
  CHECK(rig.last_error() == "chat 42: HTTP 403: Forbidden: bot was blocked");
  CHECK(rig.sender->pending() == 1);
  rig.wake_up();  // pacing: one message per second per chat
  REQUIRE(rig.transport.sends.size() == 1);
  CHECK(rig.transport.sends[0].text == "next");
  rig.transport.answer(delivered());
  CHECK(rig.transport.answered == std::vector<std::string>{"blocked", "next"});
  CHECK(rig.last_error() == "chat 42: HTTP 403: Forbidden: bot was blocked");  // still shown
}

TEST_CASE("outbox sender: at most one message per second to a chat", "[outbox_sender]") {
  Rig rig;
  rig.sender->start();
  for (int i = 0; i < 3; ++i) rig.sender->post("m" + std::to_string(i), false);
  rig.transport.answer(delivered());
  CHECK(rig.transport.sends.empty());
  CHECK(rig.wake == 1000);
  rig.clock.advance(999);
  rig.sender->pump();
  CHECK(rig.transport.sends.empty());
  rig.clock.advance(1);
  rig.sender->pump();
  REQUIRE(rig.transport.sends.size() == 1);
  rig.transport.answer(delivered());
  CHECK(rig.wake_up() == 1000);
  rig.transport.answer(delivered());
  CHECK(rig.transport.answered == std::vector<std::string>{"m0", "m1", "m2"});
}

TEST_CASE("outbox sender: a text over 4096 characters goes as pieces, in order",
          "[outbox_sender]") {
  Rig rig;
  rig.sender->start();
  std::string text;
  for (int i = 0; i < 600; ++i) text += "line " + std::to_string(i) + " .....\n";
  REQUIRE(text.size() > 4096);
  rig.sender->post(text, true);
  REQUIRE(rig.sender->pending() >= 2);
  std::string joined;
  while (rig.sender->pending() > 0) {
    if (rig.transport.sends.empty()) rig.wake_up();
    REQUIRE(rig.transport.sends.size() == 1);
    CHECK(rig.transport.sends[0].text.size() <= 4096);
    joined += rig.transport.sends[0].text;
    rig.transport.answer(delivered());
  }
  // Every line arrives, in order (pieces are cut at line ends).
  std::size_t at = 0;
  for (int i = 0; i < 600; ++i) {
    const std::size_t found = joined.find("line " + std::to_string(i) + " .....", at);
    REQUIRE(found != std::string::npos);
    at = found;
  }
}

TEST_CASE("outbox sender: messages left by a previous run are sent after start, in order",
          "[outbox_sender]") {
  OutboxState left;
  for (std::uint64_t seq : {5u, 6u}) {
    opsd::OutboxItem m;
    m.seq = seq;
    m.text = "left " + std::to_string(seq);
    m.attempts = 3;
    m.next_attempt_at = 1;
    left.items.push_back(m);
  }
  left.next_seq = 7;
  left.last_error = "retrying: chat 42: connect: refused (retry in 8 s, attempt 4)";
  Rig rig(left);
  rig.sender->post("new", false);  // queued behind them, nothing sent before start()
  CHECK(rig.transport.sends.empty());
  CHECK(rig.sender->state().items.back().seq == 7);
  rig.sender->start();
  REQUIRE(rig.transport.sends.size() == 1);
  CHECK(rig.transport.sends[0].text == "left 5");
  rig.transport.answer(delivered());
  CHECK(rig.last_error().empty());  // the previous run's retry is over
  rig.wake_up();
  rig.transport.answer(delivered());
  rig.wake_up();
  rig.transport.answer(delivered());
  CHECK(rig.transport.answered == std::vector<std::string>{"left 5", "left 6", "new"});
}

TEST_CASE("outbox sender: alerts go before routine reports", "[outbox_sender]") {
  Rig rig;
  rig.sender->start();
  rig.sender->post("routine 1", false);
  rig.transport.answer(result(SendResult::Kind::transient, "HTTP 502"));
  rig.sender->post("routine 2", false);
  rig.sender->post("ALERT 1", true);  // next, although routine 1 was queued first
  CHECK(rig.transport.sends.empty());
  CHECK(rig.wake_up() <= 1000);  // pacing: one message per second to the chat
  REQUIRE(rig.transport.sends.size() == 1);
  CHECK(rig.transport.sends[0].text == "ALERT 1");
  rig.transport.answer(delivered());
  rig.wake_up();
  rig.transport.answer(delivered());
  rig.wake_up();
  rig.transport.answer(delivered());
  CHECK(rig.transport.answered ==
        std::vector<std::string>{"routine 1", "ALERT 1", "routine 1", "routine 2"});
}

TEST_CASE("outbox sender: after an outage the backlog drains at one message per second",
          "[outbox_sender]") {
  Rig rig;
  rig.sender->start();
  rig.sender->post("r0", false);
  // A long outage: the head backs off to minutes while reports pile up.
  for (int i = 0; i < 10; ++i) {
    rig.transport.answer(result(SendResult::Kind::transient, "connect: refused"));
    rig.sender->post("r" + std::to_string(i + 1), false);
    rig.wake_up();
  }
  CHECK(rig.sender->state().items.front().attempts == 10);
  rig.transport.answer(delivered());  // the first success
  TimeMs drained = 0;
  while (rig.sender->pending() > 0) {
    drained += rig.wake_up();
    rig.transport.answer(delivered());
  }
  CHECK(rig.transport.answered.size() == 21);
  CHECK(drained == 10 * 1000);  // ten more messages, one per second: no backoff left over
  CHECK(rig.last_error().empty());
}

TEST_CASE("outbox sender: lastError tells drops from delivery errors", "[outbox_sender]") {
  Rig rig;
  rig.sender->start();
  rig.sender->post("ALERT first", true);
  rig.transport.answer(result(SendResult::Kind::transient, "HTTP 502: Bad Gateway"));
  for (std::size_t i = 0; i <= opsd::kOutboxMaxRoutine; ++i)
    rig.sender->post("routine " + std::to_string(i), false);
  const std::string both = rig.last_error();
  CHECK(both.find("outbox full: dropped 1 old routine report(s) and 0 old alert(s)") !=
        std::string::npos);
  CHECK(both.find("retrying: chat 42: HTTP 502") != std::string::npos);
  rig.sender->post("routine more", false);
  CHECK(rig.last_error().find("dropped 2 old routine") != std::string::npos);  // counted on
  rig.wake_up();
  rig.transport.answer(delivered());
  // The delivery ends the retry, not the record of what was lost.
  CHECK(rig.last_error().find("retrying") == std::string::npos);
  CHECK(rig.last_error().find("dropped 2 old routine") != std::string::npos);
}

TEST_CASE("outbox sender: nothing to send with keeps the message and says why", "[outbox_sender]") {
  Rig rig;
  rig.problem = "no way to send: openclaw CLI not found and no Telegram bot token";
  rig.sender->start();
  rig.sender->post("m", true);
  CHECK(rig.transport.sends.empty());
  CHECK(rig.sender->pending() == 1);
  CHECK(rig.last_error().find("no way to send") != std::string::npos);
  REQUIRE(rig.wake);
  rig.problem.clear();
  rig.wake_up();
  REQUIRE(rig.transport.sends.size() == 1);
  rig.transport.answer(delivered());
  CHECK(rig.last_error().empty());
}

TEST_CASE("outbox sender: the bot token never reaches lastError", "[outbox_sender]") {
  Rig rig;
  rig.sender->start();
  rig.sender->post("m", true);
  rig.transport.answer(
      result(SendResult::Kind::transient, "POST /bot123:SECRET/sendMessage: timeout"));
  CHECK(rig.last_error().find("SECRET") == std::string::npos);
  CHECK(rig.last_error().find("timeout") != std::string::npos);
}

TEST_CASE("outbox sender: a wall-clock step keeps the pacing and the retry wait",
          "[outbox_sender][clock_step]") {
  constexpr TimeMs kTwoHours = opsd::seconds(7200);
  Rig rig;
  rig.sender->start();
  rig.sender->post("first", false);
  rig.transport.answer(delivered());
  rig.sender->post("second", false);
  REQUIRE(rig.transport.sends.empty());  // one message per second per chat
  // Stepped back (the daemon re-anchors its clock and shifts): pacing still waits 1 s at most.
  rig.clock.set_wall(rig.clock.now() - kTwoHours);
  rig.sender->shift_times(-kTwoHours);
  REQUIRE(rig.wake);
  CHECK(*rig.wake <= 1000);
  rig.wake_up();
  REQUIRE(rig.transport.sends.size() == 1);
  rig.transport.answer(result(SendResult::Kind::retry_after, "HTTP 429: Too Many Requests", 3));
  CHECK(rig.wake == 3000);
  // Stepped forward: the 3 s wait is not skipped.
  rig.clock.set_wall(rig.clock.now() + kTwoHours);
  rig.sender->shift_times(kTwoHours);
  CHECK(rig.transport.sends.empty());
  CHECK(rig.wake == 3000);
  CHECK(rig.persisted.back().items.at(0).next_attempt_at == rig.clock.now() + 3000);
  rig.wake_up();
  CHECK(rig.transport.sends.size() == 1);
}
