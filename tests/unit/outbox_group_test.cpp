#include "notify/outbox_group.hpp"

#include <catch2/catch.hpp>

#include "notify/outbox.hpp"

using opsd::OutboxState;
using opsd::TimeMs;

namespace {

constexpr TimeMs kNow = 1'700'000'000'000;
constexpr TimeMs kWindow = 3'000;

}  // namespace

TEST_CASE("group: sections within the window join one message with one header", "[group]") {
  OutboxState s;
  for (int i = 0; i < 8; ++i)
    opsd::outbox_enqueue_grouped(s, "HEADER", "job " + std::to_string(i), false, "", kNow + i,
                                 kWindow);
  REQUIRE(s.items.size() == 1);
  CHECK(s.items[0].text.rfind("HEADER\n\njob 0\n\njob 1", 0) == 0);
  CHECK(s.items[0].text.find("HEADER", 1) == std::string::npos);
  CHECK(s.items[0].text.find("job 7") != std::string::npos);
  // It waits for the window from its first section, never longer.
  CHECK(opsd::outbox_next_due(s, kNow + kWindow - 1) == nullptr);
  CHECK(opsd::outbox_next_due(s, kNow + kWindow) != nullptr);
  CHECK(opsd::outbox_next_attempt(s, nullptr, kNow) == kNow + kWindow);
}

TEST_CASE("group: after the window a new message starts", "[group]") {
  OutboxState s;
  opsd::outbox_enqueue_grouped(s, "H", "a", false, "", kNow, kWindow);
  opsd::outbox_enqueue_grouped(s, "H", "b", false, "", kNow + kWindow, kWindow);
  CHECK(s.items.size() == 2);
}

TEST_CASE("group: alerts and routine reports group apart; alerts still go first", "[group]") {
  OutboxState s;
  opsd::outbox_enqueue_grouped(s, "H", "routine", false, "", kNow, kWindow);
  opsd::outbox_enqueue_grouped(s, "H", "alert", true, "", kNow + 1, kWindow);
  REQUIRE(s.items.size() == 2);
  const opsd::OutboxItem* due = opsd::outbox_next_due(s, kNow + kWindow + 1);
  REQUIRE(due != nullptr);
  CHECK(due->alert);
  // The routine group does not overtake the alert held in its window.
  CHECK(opsd::outbox_next_due(s, kNow + kWindow) == nullptr);
}

TEST_CASE("group: a message that would pass 4096 characters starts a new one", "[group]") {
  OutboxState s;
  const std::string big(3000, 'x');
  opsd::outbox_enqueue_grouped(s, "H", big, false, "", kNow, kWindow);
  opsd::outbox_enqueue_grouped(s, "H", big, false, "", kNow + 1, kWindow);
  REQUIRE(s.items.size() == 2);
  CHECK(s.items[0].text.size() < 4096);
  CHECK(s.items[1].text.rfind("H\n\n", 0) == 0);
}

TEST_CASE("group: a window of 0 sends at once; an attempted item takes no more", "[group]") {
  OutboxState s;
  opsd::outbox_enqueue_grouped(s, "H", "a", false, "", kNow, 0);
  CHECK(opsd::outbox_next_due(s, kNow) != nullptr);
  opsd::outbox_enqueue_grouped(s, "H", "b", false, "", kNow, 0);
  CHECK(s.items.size() == 2);
}
