#include "cli/run_cells.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace opsd;
namespace json = boost::json;

namespace {

constexpr TimeMs kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

json::object job(const char* text) { return json::parse(text).as_object(); }

}  // namespace

TEST_CASE("the LAST RUN cell says outcome, age and duration", "[run_cells]") {
  CHECK(last_run_cell(job(R"({"lastRun": {"exitCode": 0, "ok": true, "durationMs": 400,
      "endedAt": "2023-11-14T22:10:20Z"}})"),
                      kNow) == "ok 3m ago 0.4s");
  CHECK(last_run_cell(job(R"({"lastRun": {"exitCode": 4, "ok": false, "durationMs": 1200,
      "endedAt": "2023-11-14T21:13:20Z"}})"),
                      kNow) == "exit 4 1h00m ago 1.2s");
  CHECK(last_run_cell(job(R"({"lastRun": {"exitCode": null, "signal": "SIGKILL",
      "timedOut": true, "durationMs": 2000, "endedAt": "2023-11-14T22:13:10Z"}})"),
                      kNow) == "timeout 10s ago 2.0s");
  CHECK(last_run_cell(job(R"({"lastRun": null, "lastExit": {"code": null, "signal": "SIGKILL",
      "runtimeMs": 12000, "at": "2023-11-14T22:13:15Z"}})"),
                      kNow) == "SIGKILL 5s ago 12s");
  CHECK(last_run_cell(job(R"({"lastRun": null, "lastExit": null})"), kNow) == "-");
}

TEST_CASE("the run history lists the newest run first", "[run_cells]") {
  std::string h = render_run_history(job(R"({"id": "chk", "runs": [
      {"number": 1, "exitCode": 0, "ok": true, "durationMs": 100, "endedAt": "A", "source": "run"},
      {"number": 2, "exitCode": 4, "ok": false, "durationMs": 100, "endedAt": "B",
       "source": "queue:opsctl", "marker": "ALERT: x"}]})"));
  CHECK(h == "runs of chk:\n  #2 exit 4  B  0.1s  queue:opsctl  ALERT: x\n  #1 ok  A  0.1s  run\n");
  CHECK(render_run_history(job(R"({"id": "chk", "runs": []})")).empty());
  CHECK(render_run_history(job(R"({"id": "chk"})")).empty());
}
