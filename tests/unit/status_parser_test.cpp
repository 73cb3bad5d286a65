#include "process/status_parser.hpp"

#include <catch2/catch.hpp>

using opsd::CommandOutput;
using opsd::parse_status_output;
using opsd::probe_result_from;

namespace {

std::string error_of(std::string_view text) {
  auto r = parse_status_output(text);
  REQUIRE_FALSE(r.report);
  return r.error;
}

}  // namespace

TEST_CASE("status with only the required fields parses with empty optionals", "[status]") {
  auto r = parse_status_output(" {\"running\": true, \"completed\": false}\n");
  REQUIRE(r.report);
  CHECK(r.error.empty());
  CHECK(r.report->running);
  CHECK_FALSE(r.report->completed);
  CHECK_FALSE(r.report->pid);
  CHECK(r.report->progress_json.empty());
  CHECK(r.report->progress_key.empty());
  CHECK(r.report->level.empty());
}

TEST_CASE("status with every field fills the report", "[status]") {
  auto r = parse_status_output(R"({"running": false, "completed": true, "pid": 4242,
    "stopReason": "done", "progress": {"n": 3}, "progressKey": "k3", "level": "warn",
    "message": "all good"})");
  REQUIRE(r.report);
  CHECK(r.report->completed);
  CHECK(r.report->pid == 4242);
  CHECK(r.report->stop_reason == "done");
  CHECK(r.report->progress_json == R"({"n": 3})");
  CHECK(r.report->progress_key == "k3");
  CHECK(r.report->level == "warn");
  CHECK(r.report->message == "all good");
}

TEST_CASE("status output that is not one JSON object is a probe failure", "[status]") {
  CHECK(error_of("running").find("not JSON") != std::string::npos);
  CHECK(error_of("{\"running\": true, \"completed\": false} trailing").find("not JSON") !=
        std::string::npos);
  CHECK(error_of("{\"running\": true,").find("not JSON") != std::string::npos);
  CHECK(error_of("[1, 2]") == "status output must be a JSON object, got array");
  CHECK(error_of("\"text\"") == "status output must be a JSON object, got string");
}

TEST_CASE("missing or mistyped required fields are named in the error", "[status]") {
  CHECK(error_of(R"({"completed": false})") == "`running` is required");
  CHECK(error_of(R"({"running": true})") == "`completed` is required");
  CHECK(error_of(R"({"running": "yes", "completed": false})") ==
        "`running` must be a boolean, got string");
  CHECK(error_of(R"({"running": true, "completed": 0})") ==
        "`completed` must be a boolean, got number");
  CHECK(error_of(R"({"running": null, "completed": false})") ==
        "`running` must be a boolean, got null");
}

TEST_CASE("mistyped optional fields are probe failures", "[status]") {
  const std::string base = R"({"running": true, "completed": false, )";
  CHECK(error_of(base + R"("pid": "12"})") == "`pid` must be an integer, got string");
  CHECK(error_of(base + R"("pid": 12.5})") == "`pid` must be an integer, got number");
  CHECK(error_of(base + R"("pid": 18446744073709551615})") == "`pid` is out of range");
  CHECK(error_of(base + R"("stopReason": 1})") == "`stopReason` must be a string, got number");
  CHECK(error_of(base + R"("progress": [1]})") == "`progress` must be an object, got array");
  CHECK(error_of(base + R"("progressKey": 7})") == "`progressKey` must be a string, got number");
  CHECK(error_of(base + R"("level": "info"})") ==
        "`level` must be one of ok, warn, alert, got \"info\"");
  CHECK(error_of(base + R"("level": true})") == "`level` must be a string, got boolean");
  CHECK(error_of(base + R"("message": {}})") == "`message` must be a string, got object");
}

TEST_CASE("pid of zero or below and null optionals are ignored, as the original did", "[status]") {
  auto zero = parse_status_output(R"({"running": false, "completed": false, "pid": 0})");
  REQUIRE(zero.report);
  CHECK_FALSE(zero.report->pid);
  auto negative = parse_status_output(R"({"running": false, "completed": false, "pid": -5})");
  REQUIRE(negative.report);
  CHECK_FALSE(negative.report->pid);
  auto nulls = parse_status_output(R"({"running": false, "completed": false, "pid": null,
    "progress": null, "progressKey": null, "level": null, "message": null, "stopReason": null})");
  REQUIRE(nulls.report);
  CHECK_FALSE(nulls.report->pid);
  CHECK(nulls.report->progress_key.empty());
  auto empty_level = parse_status_output(R"({"running": true, "completed": false, "level": ""})");
  REQUIRE(empty_level.report);
  CHECK(empty_level.report->level.empty());
}

TEST_CASE("progressKey is derived from progress with keys sorted at every depth", "[status]") {
  auto r = parse_status_output(R"({"running": true, "completed": false,
    "progress": {"b": 1, "a": {"d": [1, {"z": true, "y": null}], "c": "x"}}})");
  REQUIRE(r.report);
  const std::string expected = R"({"a": {"c": "x", "d": [1, {"y": null, "z": true}]}, "b": 1})";
  CHECK(r.report->progress_json == expected);
  CHECK(r.report->progress_key == expected);
}

TEST_CASE("derived progressKey does not depend on the order keys were printed in", "[status]") {
  auto one = parse_status_output(R"({"running": true, "completed": false,
    "progress": {"done": 10, "total": 20, "phase": {"x": 1, "w": 2}}})");
  auto two = parse_status_output(R"({"completed": false, "running": true,
    "progress": {"phase": {"w": 2, "x": 1}, "total": 20, "done": 10}})");
  REQUIRE(one.report);
  REQUIRE(two.report);
  CHECK(one.report->progress_key == two.report->progress_key);
}

TEST_CASE("derived progressKey writes numbers and strings as the original tool did", "[status]") {
  auto r = parse_status_output(R"({"running": true, "completed": false, "progress":
    {"r": 0.5, "big": 1e16, "small": 0.00001, "n": -2.0, "i": 12345678901234,
     "s": "\u00e9\n\u0001\"\\/"}})");
  REQUIRE(r.report);
  CHECK(r.report->progress_key ==
        "{\"big\": 1e+16, \"i\": 12345678901234, \"n\": -2.0, \"r\": 0.5, "
        "\"s\": \"\xC3\xA9\\n\\u0001\\\"\\\\/\", \"small\": 1e-05}");
}

TEST_CASE("an explicit progressKey wins; a blank one is derived", "[status]") {
  auto given = parse_status_output(
      R"({"running": true, "completed": false, "progress": {"n": 1}, "progressKey": "p1"})");
  REQUIRE(given.report);
  CHECK(given.report->progress_key == "p1");
  CHECK(given.report->progress_json == R"({"n": 1})");
  auto blank = parse_status_output(
      R"({"running": true, "completed": false, "progress": {"n": 1}, "progressKey": "  "})");
  REQUIRE(blank.report);
  CHECK(blank.report->progress_key == R"({"n": 1})");
}

TEST_CASE("probe failures from the command come before parsing", "[status]") {
  CommandOutput out;
  out.exit_code = 0;
  out.stdout_text = R"({"running": true, "completed": false})";
  CHECK(probe_result_from(out).report);

  CommandOutput spawn = out;
  spawn.spawn_error = "cannot execute `x`: not found in PATH";
  spawn.exit_code = -1;
  CHECK(probe_result_from(spawn).error ==
        "status command could not start: cannot execute `x`: not found in PATH");

  CommandOutput timeout = out;
  timeout.timed_out = true;
  timeout.exit_code = -9;
  timeout.duration_ms = 30000;
  CHECK(probe_result_from(timeout).error == "status command timed out after 30000 ms");

  CommandOutput big = out;
  big.overflow = true;
  big.exit_code = -9;
  big.stdout_text.assign(1 << 20, 'x');
  CHECK(probe_result_from(big).error == "status output is larger than 1048576 bytes");

  CommandOutput failed = out;
  failed.exit_code = 3;
  failed.stderr_tail = "warming up\nno state file\n";
  CHECK(probe_result_from(failed).error == "status command exited with code 3: no state file");

  CommandOutput killed = out;
  killed.exit_code = -15;
  CHECK(probe_result_from(killed).error == "status command was killed by signal 15");

  CommandOutput empty = out;
  empty.stdout_text = " \n";
  CHECK(probe_result_from(empty).error == "status command printed nothing");

  CommandOutput garbage = out;
  garbage.stdout_text = "not json";
  CHECK(probe_result_from(garbage).error.find("not JSON") != std::string::npos);
}
