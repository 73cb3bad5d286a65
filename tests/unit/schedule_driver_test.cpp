#include "engine/schedule_driver.hpp"

#include <catch2/catch.hpp>

#include "engine_fixture.hpp"

namespace opsd {

using namespace opsd::testing;

namespace {

// kT0 is a multiple of 20 s: slots of `every 10s` fall on kT0 + k * 10 s.
Job scheduled(Job j, std::int64_t every_seconds, CatchUp c = CatchUp::once) {
  Schedule s;
  s.every_seconds = every_seconds;
  s.catch_up = c;
  s.spec = describe(s);
  j.enabled = true;
  j.schedule = s;
  return j;
}

const QueueItem* item(const Engine& e, const std::string& id) {
  for (const auto& q : e.state().queue)
    if (q.id == id) return &q;
  return nullptr;
}

std::size_t items_from(const Engine& e, std::string_view source) {
  std::size_t n = 0;
  for (const auto& q : e.state().queue) n += q.source == source;
  return n;
}

// Runs the engine's timer from `from` to `to` at each deadline, finishing every one-shot at once.
std::size_t drive(Engine& e, TimeMs from, TimeMs to) {
  std::size_t runs = 0;
  TimeMs now = from;
  for (int guard = 0; guard < 1000; ++guard) {
    std::optional<TimeMs> d = e.next_deadline();
    if (!d || *d > to) break;
    now = std::max(now, *d);
    for (const auto& r : only<LaunchOneShot>(e.on_timer(now))) {
      ++runs;
      (void)e.on_one_shot_finished(r.job_id, r.queue_item_id, 0, "ok", now);
    }
  }
  return runs;
}

}  // namespace

TEST_CASE("an every schedule enqueues a one-shot read at each slot", "[engine][schedule]") {
  Engine e(config_of({scheduled(read_job("r"), 10)}), State{});
  CHECK(only<LaunchOneShot>(e.on_startup(kT0 + 1)).empty());  // a new schedule waits
  CHECK(e.next_deadline() == kT0 + seconds(10));
  CHECK(e.state().jobs.at("r").schedule.next_run_at == kT0 + seconds(10));
  Actions a = e.on_timer(kT0 + seconds(10)).actions;
  const std::string id = item_of(a, "r");
  REQUIRE_FALSE(id.empty());
  CHECK(item(e, id)->source == kScheduleSource);
  CHECK(e.state().jobs.at("r").schedule.last_run_at == kT0 + seconds(10));
  CHECK(e.state().jobs.at("r").schedule.next_run_at == kT0 + seconds(20));
  (void)e.on_one_shot_finished("r", id, 0, "ok", kT0 + seconds(11));
  CHECK(drive(e, kT0 + seconds(11), kT0 + seconds(60)) == 5);  // 20, 30, 40, 50, 60
  CHECK(items_from(e, kScheduleSource) == 6);
}

TEST_CASE("a due time adds no second pending run of the same job", "[engine][schedule]") {
  Engine e(config_of({scheduled(read_job("r"), 10), read_job("other")}), State{});
  (void)e.on_startup(kT0 + 1);
  REQUIRE(e.request_enqueue("other", kT0, "opsctl", kT0 + 2).ok());  // runs and never ends
  for (int k = 1; k <= 5; ++k) (void)e.on_timer(kT0 + seconds(10 * k));
  CHECK(items_from(e, kScheduleSource) == 1);
}

TEST_CASE("catchUp once: after downtime over many slots, one run at start", "[engine][schedule]") {
  Engine before(config_of({scheduled(read_job("r"), 10)}), State{});
  (void)before.on_startup(kT0 + 1);
  State saved = before.state();
  // Down from kT0 + 1 s to kT0 + 95 s: nine slots missed.
  Engine after(config_of({scheduled(read_job("r"), 10)}), saved);
  Actions a = after.on_startup(kT0 + seconds(95)).actions;
  REQUIRE(only<LaunchOneShot>(a).size() == 1);
  CHECK(items_from(after, kCatchUpSource) == 1);
  CHECK(items_from(after, kScheduleSource) == 0);
  CHECK(after.state().jobs.at("r").schedule.next_run_at == kT0 + seconds(100));
}

TEST_CASE("catchUp skip: after downtime, wait for the next slot", "[engine][schedule]") {
  const Job j = scheduled(read_job("r"), 10, CatchUp::skip);
  Engine before(config_of({j}), State{});
  (void)before.on_startup(kT0 + 1);
  Engine after(config_of({j}), before.state());
  CHECK(only<LaunchOneShot>(after.on_startup(kT0 + seconds(95))).empty());
  CHECK(after.state().jobs.at("r").schedule.next_run_at == kT0 + seconds(100));
}

TEST_CASE("a long-running read is started when due, not again while running",
          "[engine][schedule]") {
  Engine e(config_of({scheduled(long_job("scan"), 60)}), State{});
  (void)e.on_startup(kT0 + 1);
  (void)e.on_probe_result("scan", not_running(), kT0 + 2);
  Actions a = e.on_timer(kT0 + seconds(60)).actions;
  REQUIRE(only<LaunchStart>(a).size() == 1);
  CHECK(e.state().jobs.at("scan").history.back().reason == "scheduled start (due)");
  (void)e.on_start_launched("scan", 777, "", kT0 + seconds(60));
  (void)e.on_probe_result("scan", running("k1", 777), kT0 + seconds(61));
  for (int k = 2; k <= 4; ++k) CHECK(only<LaunchStart>(e.on_timer(kT0 + seconds(60 * k))).empty());
  std::size_t notes = 0;
  for (const auto& ev : e.state().jobs.at("scan").history)
    notes += ev.reason.rfind("scheduled start skipped", 0) == 0;
  CHECK(notes == 1);
  CHECK(e.state().jobs.at("scan").schedule.last_run_at == kT0 + seconds(60));
}

TEST_CASE("a completed long-running read is not started by its schedule", "[engine][schedule]") {
  Engine e(config_of({scheduled(long_job("scan"), 60)}), State{});
  (void)e.on_startup(kT0 + 1);
  (void)e.on_probe_result("scan", completed(), kT0 + 2);
  CHECK(only<LaunchStart>(e.on_timer(kT0 + seconds(60))).empty());
  CHECK(e.state().jobs.at("scan").history.back().reason ==
        "scheduled start skipped: the job is completed");
}

TEST_CASE("disabled or unscheduled jobs have no next run; a reload replans", "[engine][schedule]") {
  Job off = scheduled(read_job("r"), 10);
  off.enabled = false;
  Engine e(config_of({off, read_job("plain")}), State{});
  (void)e.on_startup(kT0 + 1);
  CHECK(e.state().jobs.at("r").schedule.next_run_at == 0);
  CHECK(e.state().jobs.at("plain").schedule == ScheduleRuntime{});
  CHECK_FALSE(e.next_deadline().has_value());
  (void)e.reload(config_of({scheduled(read_job("r"), 20), read_job("plain")}), kT0 + seconds(5));
  CHECK(e.state().jobs.at("r").schedule.next_run_at == kT0 + seconds(20));
  CHECK(e.state().jobs.at("r").schedule.spec == "every 20s");
}

TEST_CASE("note_once records a skipped run once", "[engine][schedule]") {
  JobRuntime rt;
  note_once(rt, "skipped", 1);
  note_once(rt, "skipped", 2);
  REQUIRE(rt.history.size() == 1);
  CHECK(rt.history.back().at == 1);
}

}  // namespace opsd
