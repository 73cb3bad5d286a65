// opsctl status: the PROGRESS bar and the ETA column (cli/status_table.hpp), with Chinese job
// names, fitted to 80 columns.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sstream>

#include "cli/display_width.hpp"
#include "cli/status_table.hpp"
#include "fixtures/text_lines.hpp"

namespace json = boost::json;
using opsd::testing::lines_of;

namespace {

constexpr opsd::TimeMs kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

// Running jobs with Chinese, mixed and ASCII ids; ratios and ETAs known, unknown or absent.
json::object answer() {
  return json::parse(R"({
    "jobs": [
      {"id": "扫描任务", "kind": "long_running_read", "state": "running", "enabled": true,
       "pid": 4242, "progress": {"done": 42, "total": 100}, "progressRatio": 0.42,
       "ratePerSecond": 0.5, "etaAt": "2023-11-14T23:25:20Z",
       "lastProgressAt": "2023-11-14T22:13:10Z",
       "probe": {"ok": true, "error": null, "consecutiveFailures": 0}},
      {"id": "备份-夜间同步", "kind": "long_running_read", "state": "stalled", "enabled": true,
       "pid": 77, "progress": {"percent": 100}, "progressRatio": 1, "ratePerSecond": 0,
       "etaAt": null, "lastProgressAt": "2023-11-14T21:13:20Z",
       "probe": {"ok": true, "error": null, "consecutiveFailures": 0}},
      {"id": "inventory", "kind": "long_running_read", "state": "running", "enabled": true,
       "pid": 9, "progress": {"phase": "阶段一"}, "progressRatio": null, "ratePerSecond": null,
       "etaAt": null, "lastProgressAt": "2023-11-14T22:12:20Z",
       "probe": {"ok": false, "error": "status timed out after 10 s", "consecutiveFailures": 3}},
      {"id": "health", "kind": "one_shot_read", "state": "stopped", "enabled": false,
       "pid": null, "progress": null, "lastProgressAt": null, "nextRunAt": "2023-11-14T22:18:20Z",
       "probe": {"ok": null, "error": null, "consecutiveFailures": 0}}
    ],
    "queue": [], "outbox": {"pending": 0, "lastError": null}, "approvals": []
  })")
      .as_object();
}

// The display column where `needle` starts in `line` (npos when absent).
std::size_t column_of(const std::string& line, const std::string& needle) {
  const std::size_t at = line.find(needle);
  if (at == std::string::npos) return std::string::npos;
  return opsd::display_width(line.substr(0, at));
}

}  // namespace

TEST_CASE("PROGRESS shows a bar and a percentage; ETA the time left", "[status_table]") {
  std::vector<std::string> l = lines_of(opsd::render_status_table(answer(), kNow));
  REQUIRE(l.size() == 5);
  CHECK(l[1].find("[####------] 42%") != std::string::npos);
  CHECK(l[1].find("1h12m") != std::string::npos);  // 23:25:20 - 22:13:20
  CHECK(l[2].find("[##########] 100%") != std::string::npos);
  CHECK(l[3].find("phase=阶段一") != std::string::npos);  // no ratio: the summary as before
  const std::size_t eta = column_of(l[0], "ETA");
  REQUIRE(eta != std::string::npos);
  CHECK(column_of(l[1], "1h12m") == eta);
  CHECK(l[2].substr(l[2].find("100%") + 4, 3) == "  -");  // unknown
}

TEST_CASE("at 80 columns the bar and ETA columns stay aligned under Chinese job names",
          "[status_table]") {
  for (std::size_t width : {50u, 60u, 72u, 80u, 100u}) {
    INFO(width);
    std::vector<std::string> l = lines_of(opsd::render_status_table(answer(), kNow, width));
    REQUIRE(l.size() == 5);
    for (const std::string& line : l) CHECK(opsd::display_width(line) <= width);
    const std::size_t progress = column_of(l[0], "PROGRESS");
    const std::size_t eta = column_of(l[0], "ETA");
    const std::size_t state = column_of(l[0], "STATE");
    REQUIRE(progress != std::string::npos);
    REQUIRE(eta != std::string::npos);
    REQUIRE(state != std::string::npos);
    // The bars are whole and start in the PROGRESS column; the ETA cells in the ETA column.
    CHECK(column_of(l[1], "[####------] 42%") == progress);
    CHECK(column_of(l[2], "[##########] 100%") == progress);
    CHECK(column_of(l[1], "1h12m") == eta);
    CHECK(column_of(l[2], "100%") + 6 == eta);  // "100%" is the widest cell, then 2 spaces
    CHECK(column_of(l[1], "running") == state);
    CHECK(column_of(l[2], "stalled") == state);
    CHECK(column_of(l[4], "stopp") == state);
    CHECK(l[1].rfind("扫描任务  ", 0) == 0);
    // 备份-夜间同步 is 13 columns: whole at 80, where other columns give way first.
    if (width >= 80) CHECK(l[2].rfind("备份-夜间同步  ", 0) == 0);
  }
}

TEST_CASE("at 80 columns KIND and PID are left out first, in that order", "[status_table]") {
  const std::string natural = opsd::render_status_table(answer(), kNow);
  std::size_t widest = 0;
  for (const std::string& line : lines_of(natural))
    widest = std::max(widest, opsd::display_width(line));
  REQUIRE(widest > 100);
  const std::string head80 = lines_of(opsd::render_status_table(answer(), kNow, 80))[0];
  CHECK(head80.find("KIND") == std::string::npos);
  CHECK(head80.find("PID") == std::string::npos);
  for (const char* kept : {"ID", "STATE", "PROGRESS", "ETA", "MOVED", "PROBE"}) {
    INFO(kept);
    CHECK(head80.find(kept) != std::string::npos);
  }
  // Very narrow: ID, STATE, PROGRESS and ETA remain.
  const std::string head = lines_of(opsd::render_status_table(answer(), kNow, 50))[0];
  CHECK(head.rfind("ID", 0) == 0);
  for (const char* kept : {"STATE", "PROGRESS", "ETA"}) CHECK(head.find(kept) != head.npos);
  for (const char* gone : {"KIND", "PID", "MOVED", "NEXT", "PROBE", "LAST RUN"})
    CHECK(head.find(gone) == head.npos);
}
