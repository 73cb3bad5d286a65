#include "engine/mute.hpp"

#include <catch2/catch.hpp>

#include "state/mute_record.hpp"

using namespace opsd;

TEST_CASE("a mute holds reminders, routine reports and notes", "[mute]") {
  CHECK(mute_holds(ReportKind::reminder, "paused"));
  CHECK(mute_holds(ReportKind::routine, "running"));
  CHECK(mute_holds(ReportKind::none, "running"));
}

TEST_CASE("a new anomaly, a recovery and a completion get through a mute", "[mute]") {
  CHECK_FALSE(mute_holds(ReportKind::alert, "paused"));
  CHECK_FALSE(mute_holds(ReportKind::recovery, "running"));
  CHECK_FALSE(mute_holds(ReportKind::routine, "completed"));
}

TEST_CASE("a mute is active until its end", "[mute]") {
  MuteRecord m;
  CHECK_FALSE(m.active(1000));
  m.until = 5000;
  CHECK(m.active(4999));
  CHECK_FALSE(m.active(5000));
}

TEST_CASE("a one-shot run is held only when it fails the way the run before it did", "[mute]") {
  JobRun before;
  before.exit_code = 1;
  before.markers = {"ALERT disk 91% full"};
  JobRun again = before;
  CHECK(mute_holds_run(again, &before));
  CHECK_FALSE(mute_holds_run(again, nullptr));  // no run before it
  JobRun other = before;
  other.markers = {"ALERT disk 97% full"};
  CHECK_FALSE(mute_holds_run(other, &before));
  other = before;
  other.exit_code = 2;
  CHECK_FALSE(mute_holds_run(other, &before));
  other = before;
  other.timed_out = true;
  CHECK_FALSE(mute_holds_run(other, &before));
  JobRun good;
  good.ok = true;
  CHECK_FALSE(mute_holds_run(again, &good));  // the run before it was fine: this one is new
}
