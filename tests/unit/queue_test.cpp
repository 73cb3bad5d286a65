#include "engine/queue.hpp"

#include <catch2/catch.hpp>

#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

TEST_CASE("queue items run in enqueue order, one at a time", "[engine]") {
  State st;
  auto a = enqueue_item(st, "a", 0, "opsctl", kT0);
  auto b = enqueue_item(st, "b", 0, "opsctl", kT0);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a != *b);
  QueueItem* first = next_due_item(st, kT0);
  REQUIRE(first);
  CHECK(first->job_id == "a");
  start_item(*first, kT0);
  CHECK(queue_busy(st));
  CHECK(next_due_item(st, kT0) == nullptr);
  finish_item(*first, 0, "", kT0 + 1);
  CHECK(first->status == opsd::QueueStatus::done);
  QueueItem* second = next_due_item(st, kT0 + 1);
  REQUIRE(second);
  CHECK(second->job_id == "b");
}

TEST_CASE("queue items wait for their notBefore", "[engine]") {
  State st;
  REQUIRE(enqueue_item(st, "later", kT0 + seconds(60), "after:w", kT0));
  REQUIRE(enqueue_item(st, "now", kT0, "opsctl", kT0));
  REQUIRE(next_due_item(st, kT0));
  CHECK(next_due_item(st, kT0)->job_id == "now");
  skip_item(*next_due_item(st, kT0), "test", kT0);
  CHECK(next_due_item(st, kT0) == nullptr);
  CHECK(next_queue_deadline(st) == kT0 + seconds(60));
  REQUIRE(next_due_item(st, kT0 + seconds(60)));
  CHECK(next_due_item(st, kT0 + seconds(60))->job_id == "later");
}

TEST_CASE("the queue keeps the last 200 items and refuses when 200 are pending", "[engine]") {
  State st;
  for (int i = 0; i < 250; ++i) {
    auto id = enqueue_item(st, "j" + std::to_string(i), 0, "opsctl", kT0);
    REQUIRE(id);
    QueueItem* item = find_queue_item(st, *id);
    REQUIRE(item);
    finish_item(*item, 0, "", kT0);
  }
  CHECK(st.queue.size() == State::kMaxQueue);
  CHECK(st.queue.front().job_id == "j50");
  CHECK(st.queue.back().job_id == "j249");

  State full;
  for (std::size_t i = 0; i < State::kMaxQueue; ++i)
    REQUIRE(enqueue_item(full, "p", kT0 + seconds(999), "opsctl", kT0));
  CHECK_FALSE(enqueue_item(full, "p", 0, "opsctl", kT0));
  CHECK(full.queue.size() == State::kMaxQueue);
}

TEST_CASE("items interrupted by a daemon restart are queued again", "[engine]") {
  State st;
  REQUIRE(enqueue_item(st, "a", 0, "opsctl", kT0));
  start_item(*next_due_item(st, kT0), kT0);
  CHECK(next_queue_deadline(st) == std::nullopt);
  requeue_interrupted(st);
  CHECK(st.queue[0].status == opsd::QueueStatus::pending);
  CHECK(next_due_item(st, kT0) == &st.queue[0]);
}
