#include "engine/daemon_alerts.hpp"

#include <catch2/catch.hpp>

#include "engine/message_builder.hpp"

using namespace opsd;

TEST_CASE("the crash-loop alert names opsctl start in both locales", "[daemon_alerts]") {
  const ReportSection en = crash_loop_alert(5, 10, "en");
  CHECK(en.job_id == "opsd");
  CHECK_FALSE(en.kind.has_value());
  CHECK(en.state == "crash loop");
  CHECK(en.info ==
        "5 unclean starts within 10 minutes (crash, kill -9 or watchdog abort); automatic job "
        "starts are off");
  CHECK(en.action_required ==
        "read opsd's log, start jobs by hand with 'opsctl start', then restart opsd cleanly to "
        "turn automatic starts back on");
  const ReportSection zh = crash_loop_alert(5, 10, "zh");
  CHECK(zh.state == "crash loop");
  CHECK_THAT(zh.info, Catch::StartsWith("5 次非正常启动（10 分钟内"));
  CHECK_THAT(zh.action_required, Catch::Contains("'opsctl start'"));
}

TEST_CASE("state alerts say what happened and where, in the configured locale", "[daemon_alerts]") {
  const ReportSection corrupt = state_corrupt_alert("not JSON", "/s.corrupt-1", "en");
  CHECK(corrupt.state == "state file corrupt");
  CHECK(corrupt.info == "not JSON; moved aside to /s.corrupt-1");
  CHECK(corrupt.action_required == "inspect the quarantined file; opsd started with empty state");
  CHECK(state_corrupt_alert("not JSON", "/s.corrupt-1", "zh").info ==
        "not JSON；已移至 /s.corrupt-1");

  const ReportSection full = state_not_saved_alert("/s.json", "No space left on device", "en");
  CHECK(full.state == "state not saved");
  CHECK(full.info == "cannot write /s.json: No space left on device");
  CHECK(full.action_required == "free disk space or fix permissions; the last good state is kept");
  CHECK_THAT(state_not_saved_alert("/s.json", "x", "zh").info, Catch::Contains("/s.json"));
}

TEST_CASE("the config alert names the file, each error and what opsd runs instead",
          "[daemon_alerts]") {
  const std::vector<std::string> errors = {"error: version: must be 1, got 2",
                                           "error: jobs[0].kind: is missing"};
  const ReportSection a = config_invalid_alert("/c.json", errors, "/s/last-good.json", true, "en");
  CHECK(a.state == "ops-jobs config invalid");
  CHECK(a.info == "/c.json:\nerror: version: must be 1, got 2\nerror: jobs[0].kind: is missing");
  CHECK(a.action_required ==
        "opsd runs the last good config (/s/last-good.json); fix /c.json: it applies when saved");
  const ReportSection none = config_invalid_alert("/c.json", errors, "", false, "en");
  CHECK(none.action_required ==
        "no good config is known: opsd runs no jobs; fix /c.json then run 'opsctl reload'");
  const ReportSection zh = config_invalid_alert("/c.json", errors, "/s/g.json", true, "zh");
  CHECK(zh.state == "ops-jobs config invalid");
  CHECK_THAT(zh.info,
             Catch::StartsWith("/c.json：\nerror: version") && Catch::Contains("jobs[0].kind"));
  CHECK_THAT(zh.action_required, Catch::Contains("/s/g.json") && Catch::Contains("保存后自动生效"));
}

TEST_CASE("the recovery and size alerts name the state file in both locales", "[daemon_alerts]") {
  const ReportSection again = state_saved_again_alert("/s/ops-monitor.json", "en");
  CHECK(again.state == "state saved again");
  CHECK(again.info == "writing /s/ops-monitor.json works again; every change is on disk");
  CHECK(again.action_required.empty());
  CHECK_THAT(state_saved_again_alert("/s/ops-monitor.json", "zh").info,
             Catch::StartsWith("/s/ops-monitor.json 又可以写入了"));
  const ReportSection large = state_large_alert("/s/ops-monitor.json", std::size_t{40} << 20,
                                                std::size_t{64} << 20, 7, "en");
  CHECK(large.state == "state file large");
  CHECK(large.info ==
        "the state file is 40 MiB, over half of the 64 MiB that opsd reads at start (7 jobs "
        "configured)");
  CHECK(large.action_required == "remove jobs that are not needed, or inspect /s/ops-monitor.json");
  CHECK_THAT(state_large_alert("/s/x", std::size_t{40} << 20, std::size_t{64} << 20, 7, "zh").info,
             Catch::Contains("40 MiB") && Catch::Contains("7 个任务"));
}

TEST_CASE("a daemon alert renders as a section without a job kind", "[daemon_alerts]") {
  CHECK(
      render_section(
          config_invalid_alert("/c.json", {"error: version: must be 1"}, "", false, "en"), "en") ==
      "• opsd (opsd)\n- Status: ops-jobs config invalid\n- Info: /c.json:\n"
      "error: version: must be 1\n"
      "- ACTION REQUIRED: no good config is known: opsd runs no jobs; fix /c.json then run "
      "'opsctl reload'");
}
