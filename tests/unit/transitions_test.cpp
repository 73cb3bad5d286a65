#include "engine/transitions.hpp"

#include <array>
#include <catch2/catch.hpp>

using namespace opsd;

namespace {

constexpr std::array<JobState, 9> kStates = {
    JobState::stopped, JobState::starting,  JobState::running,
    JobState::stalled, JobState::completed, JobState::failed,
    JobState::backoff, JobState::given_up,  JobState::stopping};

// Rows: from; columns: to, both in kStates order. 1 = allowed.
constexpr int kAllowed[9][9] = {
    //        stp sta run stl cmp fai bck giv sto
    /*stp*/ {0, 1, 1, 0, 1, 1, 1, 1, 0},
    /*sta*/ {0, 0, 1, 0, 1, 1, 1, 1, 1},
    /*run*/ {0, 1, 0, 1, 1, 1, 1, 1, 1},
    /*stl*/ {0, 1, 1, 0, 1, 1, 1, 1, 1},
    /*cmp*/ {0, 1, 1, 0, 0, 1, 1, 1, 0},
    /*fai*/ {1, 1, 1, 0, 1, 0, 1, 1, 0},
    /*bck*/ {1, 1, 1, 0, 1, 1, 0, 1, 0},
    /*giv*/ {1, 1, 1, 0, 1, 1, 0, 0, 0},
    /*sto*/ {1, 0, 0, 0, 0, 0, 0, 0, 0},
};

}  // namespace

TEST_CASE("every allowed transition succeeds and every other one is refused unchanged",
          "[engine]") {
  for (std::size_t f = 0; f < kStates.size(); ++f) {
    for (std::size_t t = 0; t < kStates.size(); ++t) {
      JobRuntime rt;
      rt.state = kStates[f];
      const bool expected = kAllowed[f][t] == 1;
      INFO(to_string(kStates[f]) << " -> " << to_string(kStates[t]));
      CHECK(transition_allowed(kStates[f], kStates[t]) == expected);
      CHECK(transition(rt, kStates[t], "test", 1000) == expected);
      CHECK(rt.state == (expected ? kStates[t] : kStates[f]));
      CHECK(rt.history.size() == (expected ? 1u : 0u));
    }
  }
}

TEST_CASE("a transition records the event with its time and reason", "[engine]") {
  JobRuntime rt;
  REQUIRE(transition(rt, JobState::starting, "start requested", 5000));
  REQUIRE(rt.history.size() == 1);
  CHECK(rt.history.back().at == 5000);
  CHECK(rt.history.back().from == JobState::stopped);
  CHECK(rt.history.back().to == JobState::starting);
  CHECK(rt.history.back().reason == "start requested");
}

TEST_CASE("the transition history is bounded, oldest dropped", "[engine]") {
  JobRuntime rt;
  rt.state = JobState::running;
  for (int i = 0; i < 120; ++i) {
    REQUIRE(transition(rt, i % 2 == 0 ? JobState::stalled : JobState::running, "flip", i));
  }
  CHECK(rt.history.size() == JobRuntime::kMaxHistory);
  CHECK(rt.history.front().at == 120 - static_cast<TimeMs>(JobRuntime::kMaxHistory));
  CHECK(rt.history.back().at == 119);
}

TEST_CASE("state-owned timestamps follow the transitions", "[engine]") {
  JobRuntime rt;
  rt.state = JobState::running;
  REQUIRE(transition(rt, JobState::stalled, "stall", 100));
  CHECK(rt.stalled_since == 100);
  REQUIRE(transition(rt, JobState::running, "moved", 200));
  CHECK(rt.stalled_since == 0);
  REQUIRE(transition(rt, JobState::given_up, "cap", 300));
  CHECK(rt.given_up_at == 300);
  REQUIRE(transition(rt, JobState::starting, "retry", 400));
  CHECK(rt.given_up_at == 0);
  REQUIRE(transition(rt, JobState::stopping, "stop", 500));
  rt.stop_deadline = 900;
  REQUIRE(transition(rt, JobState::stopped, "stopped", 600));
  CHECK(rt.stop_deadline == 0);
}
