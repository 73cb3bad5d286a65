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
