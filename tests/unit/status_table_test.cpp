#include "cli/status_table.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sstream>

#include "cli/display_width.hpp"
#include "fixtures/text_lines.hpp"
#include "util/time_format.hpp"
#include "util/utf8.hpp"

namespace json = boost::json;
using opsd::testing::lines_of;

namespace {

constexpr opsd::TimeMs kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

json::object answer() {
  return json::parse(R"({
    "jobs": [
      {"id": "scan", "kind": "long_running_read", "state": "running", "enabled": true,
       "pid": 4242, "progress": {"total": 120, "done": 12, "phase": "hosts", "nested": {"x": 1}},
       "lastProgressAt": "2023-11-14T22:08:20Z",
       "probe": {"ok": true, "error": null, "consecutiveFailures": 0}},
      {"id": "health", "kind": "one_shot_read", "state": "stopped", "enabled": false,
       "pid": null, "progress": null, "lastProgressAt": null,
       "probe": {"ok": false, "error": "status timed out after 10 s", "consecutiveFailures": 3}}
    ],
    "queue": [{"id": "q-1", "status": "pending"}, {"id": "q-2", "status": "running"},
              {"id": "q-3", "status": "done"}],
    "outbox": {"pending": 2, "lastError": "chat 42: HTTP 403: Forbidden"},
    "approvals": [{"jobId": "deploy", "expiresAt": "2023-11-14T23:13:20Z"}]
  })")
      .as_object();
}

}  // namespace

TEST_CASE("status table aligns one row per job under a header", "[status_table]") {
  std::vector<std::string> l = lines_of(opsd::render_status_table(answer(), kNow));
  REQUIRE(l.size() >= 3);
  CHECK(l[0].rfind("ID", 0) == 0);
  const std::size_t kind_col = l[0].find("KIND");
  const std::size_t probe_col = l[0].find("PROBE");
  REQUIRE(kind_col != std::string::npos);
  CHECK(l[1].find("long_running_read") == kind_col);  // columns line up
  CHECK(l[2].find("one_shot_read") == kind_col);
  CHECK(l[1].find("4242") != std::string::npos);
  CHECK(l[1].find("done=12 phase=hosts total=120") != std::string::npos);  // sorted, scalars
  CHECK(l[1].find("5m ago") != std::string::npos);
  CHECK(l[1].substr(probe_col, 4) == "ok  ");
  CHECK(l[2].find("stopped (disabled)") != std::string::npos);
  CHECK(l[2].find("FAIL x3: status timed out after 10 s") == probe_col);
  for (const std::string& line : l) CHECK((line.empty() || line.back() != ' '));
}

TEST_CASE("status table summarises the queue, the outbox and approvals", "[status_table]") {
  std::string t = opsd::render_status_table(answer(), kNow);
  CHECK(t.find("queue: 1 running, 1 pending\n") != std::string::npos);
  CHECK(t.find("outbox: 2 pending; last error: chat 42: HTTP 403: Forbidden\n") !=
        std::string::npos);
  CHECK(t.find("approval: deploy until 2023-11-14T23:13:20Z\n") != std::string::npos);
}

TEST_CASE("status table of an idle daemon has no queue or outbox lines", "[status_table]") {
  json::object a = answer();
  a["queue"] = json::array();
  a["outbox"] = json::object{{"pending", 0}, {"lastError", nullptr}};
  a["approvals"] = json::array();
  std::string t = opsd::render_status_table(a, kNow);
  CHECK(t.find("queue:") == std::string::npos);
  CHECK(t.find("outbox:") == std::string::npos);
  CHECK(lines_of(t).size() == 3);
}

TEST_CASE("status table: NEXT column; one scheduled job shows its last and next runs",
          "[status_table]") {
  json::object a = answer();
  json::object& scan = a["jobs"].as_array()[0].as_object();
  scan["nextRunAt"] = "2023-11-14T22:17:20Z";
  scan["lastRunAt"] = "2023-11-14T22:12:20Z";
  scan["schedule"] = "every 240s";
  std::vector<std::string> l = lines_of(opsd::render_status_table(a, kNow));
  const std::size_t next_col = l[0].find("NEXT");
  REQUIRE(next_col != std::string::npos);
  CHECK(l[1].find("in 4m") == next_col);
  CHECK(l[2].substr(next_col, 2) == "- ");
  CHECK(opsd::render_status_table(a, kNow).find("schedule:") == std::string::npos);
  a["jobs"].as_array().erase(a["jobs"].as_array().begin() + 1);
  std::string one = opsd::render_status_table(a, kNow);
  CHECK(one.find("schedule: every 240s; last run: 2023-11-14T22:12:20Z (1m ago); next run: "
                 "2023-11-14T22:17:20Z (in 4m)\n") != std::string::npos);
  a["jobs"].as_array()[0].as_object()["nextRunAt"] = "2023-11-14T22:13:00Z";
  CHECK(opsd::render_status_table(a, kNow).find("(due)") != std::string::npos);
}

TEST_CASE("progress summary keeps three sorted scalar keys and cuts long text", "[status_table]") {
  CHECK(opsd::progress_summary(json::parse(R"({"b":2,"a":"x","c":true,"d":null})")) ==
        "a=x b=2 c=true");
  CHECK(opsd::progress_summary(json::parse(R"({"d":null,"r":1.5})")) == "d=null r=1.5");
  CHECK(opsd::progress_summary(json::parse(R"([1,2])")).empty());
  std::string s = opsd::progress_summary(
      json::parse(R"({"path":"/very/long/path/that/does/not/fit/in/the/column"})"));
  CHECK(opsd::display_width(s) == 32);
  CHECK(s.substr(s.size() - 3) == "…");
}

namespace {

json::object answer_with(const std::string& id, const std::string& phase) {
  json::object a = answer();
  json::object& first = a["jobs"].as_array()[0].as_object();
  first["id"] = id;
  first["progress"] = json::object{{"phase", phase}};
  return a;
}

// The display column where `needle` starts in `line`.
std::size_t column_of(const std::string& line, const std::string& needle) {
  const std::size_t at = line.find(needle);
  REQUIRE(at != std::string::npos);
  return opsd::display_width(line.substr(0, at));
}

}  // namespace

TEST_CASE("status table aligns columns after Chinese, emoji and combining characters",
          "[status_table]") {
  for (const std::string id : {"扫描任务", "🚀-scan", "cafe\xCC\x81-scan"}) {
    INFO(id);
    std::vector<std::string> l =
        lines_of(opsd::render_status_table(answer_with(id, "阶段一"), kNow));
    REQUIRE(l.size() >= 3);
    const std::size_t kind = column_of(l[0], "KIND");
    CHECK(column_of(l[1], "long_running_read") == kind);
    CHECK(column_of(l[2], "one_shot_read") == kind);
    const std::size_t moved = column_of(l[0], "MOVED");
    CHECK(column_of(l[1], "5m ago") == moved);
    CHECK(column_of(l[1], "4242") == column_of(l[0], "PID"));
    CHECK(column_of(l[2], "FAIL x3") == column_of(l[0], "PROBE"));
    CHECK(column_of(l[1], "phase=阶段一") == column_of(l[0], "PROGRESS"));
  }
}

TEST_CASE("a long Chinese progress value is cut by display width, never inside a character",
          "[status_table]") {
  std::string s = opsd::progress_summary(
      json::parse(R"({"phase":"正在扫描第一批主机和第二批主机的全部文件"})"));
  CHECK(opsd::display_width(s) <= 32);
  CHECK(s.substr(s.size() - 3) == "…");
  CHECK(opsd::utf8_valid(s) == s);  // no split sequence
  CHECK(s.rfind("phase=正在扫描", 0) == 0);
}

TEST_CASE("status table fits a terminal width by cutting and leaving out columns",
          "[status_table]") {
  json::object a = answer_with("扫描任务-nightly", "正在扫描第一批主机和第二批主机");
  const std::string wide = opsd::render_status_table(a, kNow);
  std::size_t natural = 0;
  for (const std::string& line : lines_of(wide))
    natural = std::max(natural, opsd::display_width(line));
  REQUIRE(natural > 140);
  CHECK(opsd::render_status_table(a, kNow, natural) == wide);  // fits: unchanged
  CHECK(opsd::render_status_table(a, kNow, 0) == wide);        // no limit
  // 134 columns: the probe column gives way first; everything else stays whole.
  std::vector<std::string> l = lines_of(opsd::render_status_table(a, kNow, 134));
  for (const std::string& line : l) CHECK(opsd::display_width(line) <= 134);
  CHECK(column_of(l[1], "long_running_read") == column_of(l[0], "KIND"));
  CHECK(column_of(l[2], "FAIL x3") == column_of(l[0], "PROBE"));
  CHECK(l[2].find("FAIL x3: status timed out") == std::string::npos);
  CHECK(l[1].find("phase=正在扫描第一批主机和第二…") != std::string::npos);  // whole
  // 106 columns: KIND is left out rather than cut; id and state stay whole, the progress
  // summary gets the room that leaves.
  l = lines_of(opsd::render_status_table(a, kNow, 106));
  for (const std::string& line : l) CHECK(opsd::display_width(line) <= 106);
  CHECK(l[0].find("KIND") == std::string::npos);
  CHECK(l[1].find("long_running_read") == std::string::npos);
  CHECK(l[1].rfind("扫描任务-nightly", 0) == 0);
  CHECK(column_of(l[2], "stopped (disabled)") == column_of(l[0], "STATE"));
  CHECK(column_of(l[2], "FAIL x3…") == column_of(l[0], "PROBE"));
  CHECK(column_of(l[1], "phase=正在扫描") == column_of(l[0], "PROGRESS"));
  // Narrower terminals: every line fits down to ID, STATE, PROGRESS and ETA at their floors,
  // none splits a character, and the summary lines are cut too.
  for (std::size_t w = 40; w <= natural; ++w) {
    INFO(w);
    for (const std::string& line : lines_of(opsd::render_status_table(a, kNow, w))) {
      CHECK(opsd::display_width(line) <= w);
      CHECK(opsd::utf8_valid(line) == line);
    }
  }
}

TEST_CASE("a muted job says so in its state cell, and NEXT shows a due auto-resume",
          "[status_table]") {
  json::object a = answer();
  json::object& scan = a.at("jobs").as_array()[0].as_object();
  scan["state"] = "backoff";
  scan["nextResumeAt"] = "2023-11-14T22:18:20Z";
  scan["muted"] = json::object{{"until", "2023-11-14T23:13:20Z"}, {"note", nullptr}};
  const std::string table = opsd::render_status_table(a, kNow);
  const std::string until = opsd::local_hms(kNow + 3'600'000).substr(0, 5);
  CHECK(table.find("backoff MUTED until " + until) != std::string::npos);
  CHECK(table.find("in 5m") != std::string::npos);
  std::vector<std::string> l = lines_of(opsd::render_status_table(a, kNow, 80));
  for (const std::string& line : l) CHECK(opsd::display_width(line) <= 80);
  CHECK(lines_of(opsd::render_status_table(answer(), kNow))[1].find("MUTED") == std::string::npos);
}

TEST_CASE("status table: a config that failed shows below the table with each error",
          "[status_table]") {
  json::object a = answer();
  a["config"] = json::object{{"path", "/c/ops-jobs.json"},
                             {"ok", true},
                             {"errors", json::array()},
                             {"running", "file"},
                             {"lastGood", "/s/last-good-config.json"}};
  CHECK(opsd::render_status_table(a, kNow).find("config:") == std::string::npos);
  a["config"].as_object()["ok"] = false;
  a["config"].as_object()["running"] = "last-good";
  a["config"].as_object()["errors"] = json::array{"error: version: must be 1, got 2"};
  std::vector<std::string> l = lines_of(opsd::render_status_table(a, kNow));
  auto at = std::find(l.begin(), l.end(),
                      "config: /c/ops-jobs.json is invalid; running the last good config "
                      "(/s/last-good-config.json)");
  REQUIRE(at != l.end());
  REQUIRE(at + 1 != l.end());
  CHECK(*(at + 1) == "  error: version: must be 1, got 2");
  a["config"].as_object()["running"] = "none";
  CHECK(opsd::render_status_table(a, kNow).find("is invalid; running no jobs\n") !=
        std::string::npos);
}

TEST_CASE("an adopted job is marked in its STATE cell", "[status_table][adopt]") {
  json::object a = answer();
  a.at("jobs").as_array()[0].as_object()["adopted"] = true;
  const std::string t = opsd::render_status_table(a, kNow, 200);
  CHECK(t.find("running (adopted)") != std::string::npos);
  CHECK(opsd::render_status_table(answer(), kNow, 200).find("(adopted)") == std::string::npos);
}
