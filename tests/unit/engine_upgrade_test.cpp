// The engine on a state file the original tool (ops-monitor.py) wrote: what it had reported is
// not reported again, its stall and backoff clocks go on.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "engine/message_builder.hpp"
#include "engine_fixture.hpp"
#include "state/state_codec.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

constexpr double kT0s = static_cast<double>(kT0) / 1000.0;

const JobRuntime& rt_of(const Engine& e, const std::string& id) { return e.state().jobs.at(id); }

State original_state(const std::string& jobs) {
  auto s = decode_state(boost::json::parse(R"({"version": 1, "jobs": )" + jobs + "}"));
  REQUIRE(s);
  return *s;
}

std::string seen(bool running, bool completed, const std::string& key) {
  return R"("lastSeen": {"running": )" + std::string(running ? "true" : "false") +
         R"(, "completed": )" + (completed ? "true" : "false") + R"(, "progressKey": ")" + key +
         R"(", "stopReason": null})";
}

}  // namespace

TEST_CASE("upgrade: nothing the original reported is reported again", "[engine][legacy]") {
  Job scan = long_job("scan");
  Job done = long_job("done");
  const std::string at = std::to_string(kT0s - 60);
  Engine e(config_of({scan, done}),
           original_state(R"({"scan": {)" + seen(true, false, "k1") +
                          R"(, "lastProgressKey": "k1", "lastProgressAt": )" + at +
                          R"(, "lastReportAt": )" + at + R"(},
             "done": {)" + seen(false, true, "") +
                          R"(, "reportedCompleted": true, "lastReportAt": )" + at + "}}"));
  (void)e.on_startup(kT0);
  CHECK(only<Notify>(e.on_probe_result("scan", running("k1"), kT0 + 1)).empty());
  CHECK(only<Notify>(e.on_probe_result("done", completed(), kT0 + 2)).empty());
  // The original's cadence goes on: a sign of life reportEverySeconds after its last report.
  const TimeMs due = kT0 - seconds(60) + seconds(scan.policy.report_every_seconds);
  CHECK(only<Notify>(e.on_probe_result("scan", running("k1"), due - 1000)).empty());
  CHECK(only<Notify>(e.on_probe_result("scan", running("k1"), due)).size() == 1);
}

TEST_CASE("upgrade: the stall clock continues and an alerted stall is not alerted again",
          "[engine][legacy]") {
  Job scan = long_job("scan");
  scan.policy.stall_seconds = 600;
  const std::string moved = std::to_string(kT0s - 500);
  Engine fresh(config_of({scan}), original_state(R"({"scan": {)" + seen(true, false, "k1") +
                                                 R"(, "lastProgressAt": )" + moved +
                                                 R"(, "lastReportAt": )" + moved + "}}"));
  (void)fresh.on_startup(kT0);
  CHECK(alerts(fresh.on_probe_result("scan", running("k1"), kT0)).empty());
  // 600 s after the original saw progress last, not 600 s after opsd started.
  CHECK(alerts(fresh.on_probe_result("scan", running("k1"), kT0 + seconds(100))).size() == 1);

  const std::string key =
      R"("{\"completed\": false, \"level\": null, \"message\": null, \"progressKey\": \"k1\", )"
      R"(\"running\": true, \"stopReason\": null}")";
  const std::string alerted = std::to_string(kT0s - 60);
  Engine e(config_of({scan}),
           original_state(R"({"scan": {)" + seen(true, false, "k1") + R"(, "lastProgressAt": )" +
                          std::to_string(kT0s - 3600) + R"(, "lastReportAt": )" + alerted +
                          R"(, "lastAnomalyKey": )" + key + R"(, "lastAnomalyReportAt": )" +
                          alerted + "}}"));
  (void)e.on_startup(kT0);
  CHECK(only<Notify>(e.on_probe_result("scan", running("k1"), kT0)).empty());
  CHECK(rt_of(e, "scan").state == JobState::stalled);
  // The reminder comes max(900, reportEverySeconds) after the original's alert.
  CHECK(
      alerts(e.on_probe_result("scan", running("k1"), kT0 - seconds(60) + seconds(1800))).size() ==
      1);
}

TEST_CASE("upgrade: an alerted paused job is not alerted again, a new message is",
          "[engine][legacy]") {
  Job scan = long_job("scan");
  const std::string key =
      R"("{\"completed\": false, \"level\": null, \"message\": \"m1\", \"progressKey\": null, )"
      R"(\"running\": false, \"stopReason\": \"oom\"}")";
  const std::string at = std::to_string(kT0s - 60);
  Engine e(config_of({scan}),
           original_state(R"({"scan": {"lastSeen": {"running": false, "completed": false,
               "progressKey": null, "stopReason": "oom"}, "lastReportAt": )" +
                          at + R"(, "lastAnomalyKey": )" + key + R"(, "lastAnomalyReportAt": )" +
                          at + "}}"));
  (void)e.on_startup(kT0);
  ProbeResult paused = not_running("oom");
  paused.report->message = "m1";
  CHECK(only<Notify>(e.on_probe_result("scan", paused, kT0)).empty());
  paused.report->message = "m2";
  CHECK(alerts(e.on_probe_result("scan", paused, kT0 + seconds(60))).size() == 1);
}

TEST_CASE("upgrade: the backoff clock of the original's last auto-resume continues",
          "[engine][legacy]") {
  Job scan = long_job("scan", true);
  scan.policy.auto_resume_backoff_seconds = 900;
  Engine e(config_of({scan}),
           original_state(R"({"scan": {"lastSeen": {"running": false, "completed": false},
               "lastAutoResumeAt": )" +
                          std::to_string(kT0s - 600) + "}}"));
  (void)e.on_startup(kT0);
  CHECK(only<LaunchStart>(e.on_probe_result("scan", not_running(), kT0)).empty());
  CHECK(rt_of(e, "scan").state == JobState::backoff);
  CHECK(only<LaunchStart>(e.on_probe_result("scan", not_running(), kT0 + seconds(300))).size() ==
        1);
}

TEST_CASE("a queued long_running_read job is refused for its kind", "[engine][legacy]") {
  Engine e(config_of({long_job("scan")}),
           original_state(R"({}, "queue": [{"id": "a1", "jobId": "scan", "status": "pending",
               "reason": "manual", "attempt": 0, "notBefore": 1.5}])"));
  const std::vector<Notify> refused = alerts(e.on_startup(kT0));
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].section.action_required ==
        "队列任务被拒绝：refused: long_running_read jobs do not run from the queue");
  CHECK(e.state().queue.at(0).status == QueueStatus::skipped);
}

TEST_CASE("a failed queued job is reported as its own job section", "[engine][legacy]") {
  Engine e(config_of({read_job("r")}), State{});
  REQUIRE(e.request_enqueue("r", 0, "", kT0).ok());
  const std::string item = e.state().queue.at(0).id;
  const std::vector<Notify> a = alerts(e.on_one_shot_finished("r", item, 3, "boom\n", kT0 + 1));
  REQUIRE(a.size() == 1);
  // As the original's section, with how long the run took (this call carries no duration).
  CHECK(render_section(a[0].section, "zh") ==
        "• r (r, one_shot_read)\n- 状态: failed (exit=3) in 0.0s\n"
        "- 信息: boom");
}
