#include "engine/card_report.hpp"

#include <catch2/catch.hpp>

#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

Config cards_of(std::vector<Job> jobs) {
  Config c = config_of(std::move(jobs));
  c.notify.progress = NotifyProgress::card;
  return c;
}

std::vector<Notify> cards(const Step& step) {
  std::vector<Notify> out;
  for (const Notify& n : only<Notify>(step))
    if (n.card) out.push_back(n);
  return out;
}

std::vector<Notify> messages(const Step& step) {
  std::vector<Notify> out;
  for (const Notify& n : only<Notify>(step))
    if (!n.card) out.push_back(n);
  return out;
}

// An engine whose job "scan" was adopted running at kT0 (its first card).
Engine adopted(Policy policy = test_policy()) {
  Job job = long_job("scan");
  job.policy = policy;
  Engine e(cards_of({job}), State{});
  e.on_startup(kT0);
  const Step first = e.on_probe_result("scan", running("1"), kT0);
  REQUIRE(cards(first).size() == 1);
  CHECK(messages(first).empty());
  CHECK(cards(first)[0].message);  // a notifier that cannot edit sends it as a message
  CHECK_FALSE(cards(first)[0].final);
  return e;
}

}  // namespace

TEST_CASE("card report: every change updates the card, no message per change", "[cards]") {
  Engine e = adopted();
  for (int i = 2; i < 6; ++i) {
    const Step s = e.on_probe_result("scan", running(std::to_string(i)), kT0 + i * 1000);
    REQUIRE(cards(s).size() == 1);
    CHECK(messages(s).empty());
    CHECK(cards(s)[0].section.progress_json == "{\"done\":\"" + std::to_string(i) + "\"}");
  }
  // The same content again: nothing.
  CHECK(cards(e.on_probe_result("scan", running("5"), kT0 + 7000)).empty());
}

TEST_CASE("card report: a stall is an alert message besides the card", "[cards]") {
  Policy p = test_policy();
  p.stall_seconds = 60;
  Engine e = adopted(p);
  const Step s = e.on_probe_result("scan", running("1"), kT0 + 61'000);
  REQUIRE(alerts(s).size() == 1);
  CHECK_FALSE(alerts(s)[0].card);
  REQUIRE(cards(s).size() == 1);
  CHECK_FALSE(cards(s)[0].message);
  CHECK_FALSE(cards(s)[0].alert);
}

TEST_CASE("card report: completion is the card's final update with its run start", "[cards]") {
  Engine e = adopted();
  const Step s = e.on_probe_result("scan", completed(), kT0 + 3'600'000);
  REQUIRE(cards(s).size() == 1);
  CHECK(cards(s)[0].final);
  CHECK(cards(s)[0].section.started_at == kT0);
  CHECK(messages(s).empty());
}

TEST_CASE("card report: with notify.progress messages there are no cards", "[cards]") {
  Engine e(config_of({long_job("scan")}), State{});
  e.on_startup(kT0);
  const Step s = e.on_probe_result("scan", running("1"), kT0);
  CHECK(cards(s).empty());
  CHECK(messages(s).size() == 1);
}

TEST_CASE("card report: a run starts at the newest entry into starting or running", "[cards]") {
  JobRuntime rt;
  rt.history.push_back({kT0, JobState::stopped, JobState::starting, "start"});
  rt.history.push_back({kT0 + 5, JobState::starting, JobState::running, "status"});
  rt.history.push_back({kT0 + 9, JobState::running, JobState::stalled, "stall"});
  CHECK(run_started_at(rt) == kT0);
  rt.history.push_back({kT0 + 20, JobState::failed, JobState::starting, "auto-resume"});
  CHECK(run_started_at(rt) == kT0 + 20);
  CHECK(run_started_at(JobRuntime{}) == 0);
  rt.state = JobState::failed;
  CHECK(card_final(rt));
  rt.state = JobState::backoff;
  CHECK_FALSE(card_final(rt));
}

TEST_CASE("card report: reportEverySeconds refreshes an unchanged card", "[cards]") {
  Policy p = test_policy();
  p.report_every_seconds = 60;
  Engine e = adopted(p);
  CHECK(cards(e.on_probe_result("scan", running("1"), kT0 + 30'000)).empty());
  const Step sign = e.on_probe_result("scan", running("1"), kT0 + 61'000);
  REQUIRE(cards(sign).size() == 1);
  CHECK(messages(sign).empty());
}
