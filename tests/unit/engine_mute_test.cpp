#include <catch2/catch.hpp>

#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

constexpr TimeMs kMinute = seconds(60);

// "scan" (no auto-resume) that ran and then stopped by itself: a paused alert at kT0 + 2 s.
Engine paused_scan() {
  Config c = config_of({long_job("scan", false), read_job("check")});
  Engine e(c, State{});
  REQUIRE(e.request_start("scan", false, kT0).ok());
  (void)e.on_start_launched("scan", 4242, "", kT0);
  (void)e.on_probe_result("scan", running("a"), kT0 + 1000);
  REQUIRE(alerts(e.on_probe_result("scan", not_running("crash"), kT0 + 2000)).size() == 1);
  return e;
}

}  // namespace

TEST_CASE("a muted job's reminders are held until the mute ends", "[engine][mute]") {
  Engine e = paused_scan();
  REQUIRE(e.request_mute("scan", kT0 + 120 * kMinute, "known", 1000, kT0 + 3000).ok());
  // Reminders would come every 15 minutes.
  for (TimeMs t = kT0 + 16 * kMinute; t < kT0 + 120 * kMinute; t += 15 * kMinute)
    CHECK(only<Notify>(e.on_probe_result("scan", not_running("crash"), t)).empty());
  auto n = only<Notify>(e.on_probe_result("scan", not_running("crash"), kT0 + 121 * kMinute));
  REQUIRE(n.size() == 1);
  CHECK(n[0].alert);  // the reminder, once the time passed
}

TEST_CASE("a completion gets through a mute and ends it", "[engine][mute]") {
  Engine e = paused_scan();
  REQUIRE(e.request_mute("scan", kT0 + 120 * kMinute, "", 1000, kT0 + 3000).ok());
  auto n = only<Notify>(e.on_probe_result("scan", completed(), kT0 + 20 * kMinute));
  REQUIRE(n.size() == 1);
  CHECK(n[0].section.state.find("completed") == 0);
  CHECK(e.state().jobs.at("scan").mute == MuteRecord{});
}

TEST_CASE("a new kind of anomaly gets through a mute", "[engine][mute]") {
  Engine e = paused_scan();
  REQUIRE(e.request_mute("scan", kT0 + 120 * kMinute, "", 1000, kT0 + 3000).ok());
  (void)e.on_probe_result("scan", probe_failure("boom"), kT0 + 10 * kMinute);
  auto al = alerts(e.on_probe_result("scan", probe_failure("boom"), kT0 + 11 * kMinute));
  REQUIRE(al.size() == 1);
  CHECK(al[0].section.action_required.find("commands.status") != std::string::npos);
}

TEST_CASE("routine reports of a muted running job are held", "[engine][mute]") {
  Config c = config_of({long_job("scan", false)});
  Engine e(c, State{});
  REQUIRE(e.request_start("scan", false, kT0).ok());
  (void)e.on_start_launched("scan", 4242, "", kT0);
  (void)e.on_probe_result("scan", running("a"), kT0 + 1000);
  REQUIRE(e.request_mute("scan", kT0 + 60 * kMinute, "", 1000, kT0 + 2000).ok());
  CHECK(only<Notify>(e.on_probe_result("scan", running("b"), kT0 + kMinute)).empty());
  CHECK(only<Notify>(e.on_probe_result("scan", running("c"), kT0 + 40 * kMinute)).empty());
  CHECK(only<Notify>(e.on_probe_result("scan", running("d"), kT0 + 61 * kMinute)).size() == 1);
}

TEST_CASE("unmute ends the mute; both are audited", "[engine][mute]") {
  Engine e = paused_scan();
  Outcome m = e.request_mute("scan", kT0 + 120 * kMinute, "disk swap", 1000, kT0 + 3000);
  REQUIRE(m.ok());
  REQUIRE(m.audit.size() == 1);
  CHECK(m.audit[0].event == "mute");
  CHECK(m.audit[0].note == "disk swap");
  CHECK(m.audit[0].uid == 1000);
  CHECK(e.state().jobs.at("scan").mute.until == kT0 + 120 * kMinute);
  Outcome u = e.request_unmute("scan", 1000, kT0 + 4000);
  REQUIRE(u.ok());
  REQUIRE(u.audit.size() == 1);
  CHECK(u.audit[0].event == "unmute");
  CHECK(only<Notify>(e.on_probe_result("scan", not_running("crash"), kT0 + 31 * kMinute)).size() ==
        1);
}

TEST_CASE("mute refuses unknown jobs, write jobs and an end in the past", "[engine][mute]") {
  Engine e(config_of({long_job("scan", false), read_job("check"), write_job("w", "check")}),
           State{});
  Outcome o = e.request_mute("nope", kT0 + kMinute, "", 1000, kT0);
  REQUIRE(o.error);
  CHECK(o.error->code == Refusal::unknown_job);
  CHECK(o.error->message == "unknown job 'nope'");
  o = e.request_mute("w", kT0 + kMinute, "", 1000, kT0);
  REQUIRE(o.error);
  CHECK(o.error->code == Refusal::wrong_kind);
  CHECK(o.error->message.find("never muted") != std::string::npos);
  CHECK(e.request_mute("check", kT0 + kMinute, "", 1000, kT0).ok());
  o = e.request_mute("scan", kT0, "", 1000, kT0);
  REQUIRE(o.error);
  CHECK(o.error->code == Refusal::bad_params);
  CHECK(e.request_unmute("nope", 1000, kT0).error->code == Refusal::unknown_job);
}

namespace {

// A run of "check" that printed `marker` (exit 0), or a clean one when `marker` is "".
std::vector<Notify> check_run(Engine& e, const std::string& marker, TimeMs at) {
  REQUIRE(e.request_run("check", at).ok());
  OneShotResult r;
  r.exit_code = 0;
  r.stdout_tail = marker.empty() ? "all good\n" : marker + "\n";
  if (!marker.empty()) r.markers = {marker};
  r.marker_count = r.markers.size();
  return only<Notify>(e.on_one_shot_finished("check", "", r, at + 1).actions);
}

}  // namespace

TEST_CASE("a muted one-shot's repeated alert is held; a new one gets through and ends it",
          "[engine][mute]") {
  Engine e(config_of({read_job("check")}), State{});
  REQUIRE(check_run(e, "ALERT disk 91% full", kT0).size() == 1);
  REQUIRE(e.request_mute("check", kT0 + 120 * kMinute, "known", 1000, kT0 + kMinute).ok());
  CHECK(check_run(e, "ALERT disk 91% full", kT0 + 15 * kMinute).empty());
  CHECK(check_run(e, "ALERT disk 91% full", kT0 + 30 * kMinute).empty());
  CHECK(e.state().jobs.at("check").mute.active(kT0 + 30 * kMinute));
  auto n = check_run(e, "ALERT disk 97% full", kT0 + 45 * kMinute);  // a new anomaly
  REQUIRE(n.size() == 1);
  CHECK(n[0].alert);
  CHECK_FALSE(e.state().jobs.at("check").mute.active(kT0 + 45 * kMinute));
  CHECK(check_run(e, "ALERT disk 97% full", kT0 + 60 * kMinute).size() == 1);  // not muted now
}

TEST_CASE("a good run ends a one-shot's mute, and so does its end time", "[engine][mute]") {
  Engine e(config_of({read_job("check")}), State{});
  REQUIRE(check_run(e, "ALERT backup late", kT0).size() == 1);
  REQUIRE(e.request_mute("check", kT0 + 120 * kMinute, "", 1000, kT0 + kMinute).ok());
  CHECK(check_run(e, "", kT0 + 15 * kMinute).empty());
  CHECK(e.state().jobs.at("check").mute == MuteRecord{});
  CHECK(check_run(e, "ALERT backup late", kT0 + 30 * kMinute).size() == 1);
  REQUIRE(e.request_mute("check", kT0 + 40 * kMinute, "", 1000, kT0 + 31 * kMinute).ok());
  CHECK(check_run(e, "ALERT backup late", kT0 + 35 * kMinute).empty());
  CHECK(check_run(e, "ALERT backup late", kT0 + 41 * kMinute).size() == 1);  // it has ended
}
