#include "schedule/catch_up.hpp"

#include <catch2/catch.hpp>

#include "schedule/jitter.hpp"

namespace opsd {

namespace {

Schedule every(std::int64_t s, CatchUp c = CatchUp::once, std::int64_t jitter = 0) {
  Schedule out;
  out.every_seconds = s;
  out.catch_up = c;
  out.jitter_seconds = jitter;
  out.spec = describe(out);
  return out;
}

constexpr TimeMs kMin = 60'000;

}  // namespace

TEST_CASE("a new schedule waits for its first slot", "[schedule][catchup]") {
  DuePlan p = plan_at_start(every(60), "j", 0, 0, false, 10 * kMin + 5'000);
  CHECK_FALSE(p.run);
  CHECK(p.slot == 11 * kMin);
  CHECK(p.due_at == 11 * kMin);
}

TEST_CASE("catchUp once: many missed due times give one run at start", "[schedule][catchup]") {
  // Planned for 10:00 (minutes since the epoch), opsd was down until 15:30.
  DuePlan p = plan_at_start(every(60), "j", 10 * kMin, 10 * kMin, true, 15 * kMin + 30'000);
  CHECK(p.run);
  CHECK(p.caught_up);
  CHECK(p.slot == 16 * kMin);
}

TEST_CASE("catchUp skip: missed due times wait for the next slot", "[schedule][catchup]") {
  DuePlan p =
      plan_at_start(every(60, CatchUp::skip), "j", 10 * kMin, 10 * kMin, true, 15 * kMin + 30'000);
  CHECK_FALSE(p.run);
  CHECK(p.slot == 16 * kMin);
}

TEST_CASE("a restart before the due time keeps it", "[schedule][catchup]") {
  DuePlan p = plan_at_start(every(60), "j", 10 * kMin, 10 * kMin + 7'000, true, 10 * kMin + 1);
  CHECK_FALSE(p.run);
  CHECK(p.slot == 10 * kMin);
  CHECK(p.due_at == 10 * kMin + 7'000);
}

TEST_CASE("a changed schedule is replanned without a run", "[schedule][catchup]") {
  DuePlan p = plan_at_start(every(60), "j", 10 * kMin, 10 * kMin, false, 15 * kMin + 30'000);
  CHECK_FALSE(p.run);
  CHECK(p.slot == 16 * kMin);
}

TEST_CASE("when due: run, the next slot follows; a late timer makes no burst",
          "[schedule][catchup]") {
  DuePlan p = plan_when_due(every(60), "j", 10 * kMin, 10 * kMin + 200);
  CHECK(p.run);
  CHECK_FALSE(p.caught_up);
  CHECK(p.slot == 11 * kMin);
  DuePlan late = plan_when_due(every(60), "j", 10 * kMin, 13 * kMin + 200);
  CHECK(late.run);
  CHECK(late.slot == 14 * kMin);
}

TEST_CASE("jitter delays the due time, not the slot grid", "[schedule][catchup]") {
  const Schedule s = every(3600, CatchUp::once, 600);
  DuePlan p = plan_when_due(s, "j", 10 * 3'600'000, 10 * 3'600'000 + 1);
  CHECK(p.slot == 11 * 3'600'000);
  CHECK(p.due_at == p.slot + jitter_delay("j", p.slot, 600));
  CHECK(p.due_at >= p.slot);
  CHECK(p.due_at <= p.slot + seconds(600));
}

}  // namespace opsd
