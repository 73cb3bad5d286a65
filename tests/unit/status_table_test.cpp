#include "cli/status_table.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sstream>

#include "util/time_format.hpp"

namespace json = boost::json;

namespace {

constexpr opsd::TimeMs kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

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

TEST_CASE("progress summary keeps three sorted scalar keys and cuts long text", "[status_table]") {
  CHECK(opsd::progress_summary(json::parse(R"({"b":2,"a":"x","c":true,"d":null})")) ==
        "a=x b=2 c=true");
  CHECK(opsd::progress_summary(json::parse(R"({"d":null,"r":1.5})")) == "d=null r=1.5");
  CHECK(opsd::progress_summary(json::parse(R"([1,2])")).empty());
  std::string s = opsd::progress_summary(
      json::parse(R"({"path":"/very/long/path/that/does/not/fit/in/the/column"})"));
  CHECK(s.size() == 32);
  CHECK(s.substr(29) == "...");
}
