#include "notify/outbox_cards.hpp"

#include <catch2/catch.hpp>

#include "notify/outbox.hpp"

using opsd::OutboxItem;
using opsd::OutboxOutcome;
using opsd::OutboxState;
using opsd::SendResult;
using opsd::TimeMs;

namespace {

constexpr TimeMs kNow = 1'700'000'000'000;
constexpr TimeMs kEdit = 10'000;

SendResult delivered(std::string message_id = "") {
  SendResult r;
  r.kind = SendResult::Kind::delivered;
  r.message_id = std::move(message_id);
  return r;
}

// Delivers the due item (as the sender does) and returns a copy of what was sent.
OutboxItem deliver_due(OutboxState& s, TimeMs now, const SendResult& r) {
  const OutboxItem* due = opsd::outbox_next_due(s, now);
  REQUIRE(due != nullptr);
  OutboxItem sent = *due;
  opsd::card_bind(s, sent);
  for (OutboxItem& i : s.items)
    if (i.seq == sent.seq) i = sent;
  REQUIRE(opsd::outbox_on_result(s, sent.seq, r, now, 0) == OutboxOutcome::delivered);
  opsd::card_delivered(s, sent, "42", r, now);
  return sent;
}

}  // namespace

TEST_CASE("cards: the first update sends a new card, later ones edit it", "[cards]") {
  OutboxState s;
  opsd::outbox_enqueue_card(s, "scan", "v1", false, kNow, kEdit);
  REQUIRE(s.items.size() == 1);
  CHECK(s.items[0].message_id.empty());
  const OutboxItem first = deliver_due(s, kNow, delivered("501"));
  CHECK(first.text == "v1");
  REQUIRE(s.cards.count("scan") == 1);
  CHECK(s.cards.at("scan").message_id == "501");

  opsd::outbox_enqueue_card(s, "scan", "v2", false, kNow + 1000, kEdit);
  REQUIRE(s.items.size() == 1);
  CHECK(s.items[0].message_id == "501");
  CHECK(s.items[0].target == "42");
  // Held for the edit interval after the card's last delivery.
  CHECK(opsd::outbox_next_due(s, kNow + kEdit - 1) == nullptr);
  CHECK(opsd::outbox_next_attempt(s, nullptr, kNow + 1000) == kNow + kEdit);
  CHECK(deliver_due(s, kNow + kEdit, delivered()).text == "v2");
  CHECK(s.cards.at("scan").last_at == kNow + kEdit);
}

TEST_CASE("cards: a later edit supersedes an older pending one of the same card", "[cards]") {
  OutboxState s;
  s.cards["scan"] = opsd::CardRecord{"42", "501", kNow};
  opsd::outbox_enqueue_card(s, "scan", "v2", false, kNow + 1, kEdit);
  opsd::outbox_enqueue_card(s, "scan", "v3", false, kNow + 2, kEdit);
  opsd::outbox_enqueue_card(s, "other", "o1", false, kNow + 3, kEdit);
  REQUIRE(s.items.size() == 2);
  CHECK(s.items[0].text == "v3");
  CHECK(s.items[1].text == "o1");
}

TEST_CASE("cards: an update being sent is not changed; the next one queues behind it", "[cards]") {
  OutboxState s;
  opsd::outbox_enqueue_card(s, "scan", "v1", false, kNow, kEdit);
  const std::uint64_t in_flight = s.items[0].seq;
  opsd::outbox_enqueue_card(s, "scan", "v2", false, kNow + 1, kEdit, in_flight);
  REQUIRE(s.items.size() == 2);
  CHECK(s.items[0].text == "v1");
  deliver_due(s, kNow + 5, delivered("501"));
  // The second became an edit of the card the first one created.
  CHECK(deliver_due(s, kNow + 6, delivered()).message_id == "501");
}

TEST_CASE("cards: a held card edit does not hold up other messages", "[cards]") {
  OutboxState s;
  s.cards["scan"] = opsd::CardRecord{"42", "501", kNow};
  opsd::outbox_enqueue_card(s, "scan", "v2", false, kNow + 1, kEdit);
  opsd::outbox_enqueue(s, "routine", false, "42", kNow + 2);
  const OutboxItem* due = opsd::outbox_next_due(s, kNow + 2);
  REQUIRE(due != nullptr);
  CHECK(due->text == "routine");
}

TEST_CASE("cards: a final update closes the card; the next update sends a new one", "[cards]") {
  OutboxState s;
  s.cards["scan"] = opsd::CardRecord{"42", "501", kNow};
  opsd::outbox_enqueue_card(s, "scan", "completed", true, kNow + 1, kEdit);
  CHECK(s.cards.empty());
  REQUIRE(s.items.size() == 1);
  CHECK(s.items[0].message_id == "501");
  CHECK(s.items[0].card_final);
  opsd::outbox_enqueue_card(s, "scan", "running again", false, kNow + 2, kEdit);
  REQUIRE(s.items.size() == 2);  // a final update is never superseded
  CHECK(s.items[1].message_id.empty());
  deliver_due(s, kNow + 3, delivered("600"));  // the new card goes first (not held)
  CHECK(s.cards.at("scan").message_id == "600");
  deliver_due(s, kNow + kEdit, delivered());  // the old card's final edit
  CHECK(s.cards.at("scan").message_id == "600");
}

TEST_CASE("cards: a message that can no longer be edited is replaced by a new card", "[cards]") {
  OutboxState s;
  s.cards["scan"] = opsd::CardRecord{"42", "501", kNow};
  opsd::outbox_enqueue_card(s, "scan", "v2", false, kNow + kEdit, kEdit);
  SendResult gone;
  gone.kind = SendResult::Kind::permanent;
  gone.edit_gone = true;
  gone.error = "HTTP 400: Bad Request: message to edit not found";
  REQUIRE(opsd::outbox_on_result(s, s.items[0].seq, gone, kNow + kEdit, 0) ==
          OutboxOutcome::resent);
  CHECK(s.cards.empty());
  REQUIRE(s.items.size() == 1);
  CHECK(s.items[0].message_id.empty());
  deliver_due(s, kNow + kEdit, delivered("777"));
  CHECK(s.cards.at("scan").message_id == "777");
  opsd::outbox_enqueue_card(s, "scan", "v3", false, kNow + kEdit + 1, kEdit);
  CHECK(s.items[0].message_id == "777");
}

TEST_CASE("cards: a card sent without a message id is not kept", "[cards]") {
  OutboxState s;
  opsd::outbox_enqueue_card(s, "scan", "v1", false, kNow, kEdit);
  deliver_due(s, kNow, delivered(""));
  CHECK(s.cards.empty());
  opsd::outbox_enqueue_card(s, "scan", "v2", false, kNow + 1, kEdit);
  CHECK(s.items[0].message_id.empty());
}

TEST_CASE("cards: a 429 on an edit waits retry_after like a send", "[cards]") {
  OutboxState s;
  s.cards["scan"] = opsd::CardRecord{"42", "501", kNow};
  opsd::outbox_enqueue_card(s, "scan", "v2", false, kNow + kEdit, kEdit);
  SendResult limited;
  limited.kind = SendResult::Kind::retry_after;
  limited.retry_after_seconds = 30;
  opsd::outbox_on_result(s, s.items[0].seq, limited, kNow + kEdit, 0);
  CHECK(opsd::outbox_next_due(s, kNow + kEdit + 29'999) == nullptr);
  CHECK(opsd::outbox_next_due(s, kNow + kEdit + 30'000) != nullptr);
}

TEST_CASE("cards: a job that ended before it had a card gets none", "[cards]") {
  OutboxState s;
  opsd::outbox_enqueue_card(s, "scan", "completed", true, kNow, kEdit);
  CHECK(s.items.empty());
  // A pending new card takes the final text instead.
  opsd::outbox_enqueue_card(s, "scan", "running", false, kNow, kEdit);
  opsd::outbox_enqueue_card(s, "scan", "completed", true, kNow + 1, kEdit);
  REQUIRE(s.items.size() == 1);
  CHECK(s.items[0].text == "completed");
  CHECK(s.items[0].card_final);
}
