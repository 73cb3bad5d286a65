// Every error rule of ops-jobs.json (docs/config.md): one test each, each naming its JSON path.
#include "config/config_loader.hpp"

#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using namespace opsd;
using namespace opsd::testing;
namespace json = boost::json;

TEST_CASE("the valid test config loads with no diagnostics", "[config]") {
  auto l = load(valid_config());
  INFO(dump(l));
  REQUIRE(l.ok());
  CHECK(l.diagnostics.empty());
  CHECK(config_summary(*l.config) == "3 jobs (1 long, 1 read, 1 write)");
}

TEST_CASE("text that is not JSON is one error with line and column", "[config]") {
  auto l = parse_config("{\n  \"version\": 1,\n  \"jobs\": [,]\n}", test_context());
  CHECK_FALSE(l.ok());
  CHECK_FALSE(l.config);
  REQUIRE(l.diagnostics.size() == 1);
  CHECK(l.diagnostics[0].path.empty());
  CHECK(l.diagnostics[0].message.find("line 3, column 12") != std::string::npos);
}

TEST_CASE("truncated JSON and empty text are errors", "[config]") {
  CHECK(has_error(parse_config("{\"version\": 1", test_context()), "", "not valid JSON"));
  CHECK(has_error(parse_config("  \n", test_context()), "", "empty"));
}

TEST_CASE("a top level that is not an object is an error", "[config]") {
  CHECK(has_error(parse_config("[1, 2]", test_context()), "", "must be a JSON object"));
}

TEST_CASE("a missing version is an error", "[config]") {
  auto c = valid_config();
  c.as_object().erase("version");
  CHECK(has_error(load(c), "version", "must be 1"));
}

TEST_CASE("a version other than 1 is an error", "[config]") {
  for (auto v : {json::value(2), json::value(0), json::value("two"), json::value(false)}) {
    auto c = valid_config();
    c.as_object()["version"] = v;
    INFO(json::serialize(v));
    CHECK(has_error(load(c), "version", "must be 1"));
  }
}

TEST_CASE("jobs that is missing or not an array is an error", "[config]") {
  auto c = valid_config();
  c.as_object()["jobs"] = json::object{};
  CHECK(has_error(load(c), "jobs", "must be an array"));
  c.as_object().erase("jobs");
  CHECK(has_error(load(c), "jobs", "must be an array"));
}

TEST_CASE("a job that is not an object is an error", "[config]") {
  auto c = valid_config();
  c.at("jobs").as_array().push_back("scan");
  CHECK(has_error(load(c), "jobs[3]", "must be an object"));
}

TEST_CASE("a missing or blank job id is an error", "[config]") {
  auto c = valid_config();
  job_at(c, 0).erase("id");
  job_at(c, 1)["id"] = "   ";
  auto l = load(c);
  CHECK(has_error(l, "jobs[0].id", "non-empty string"));
  CHECK(has_error(l, "jobs[1].id", "non-empty string"));
}

TEST_CASE("a duplicate job id is an error naming both jobs", "[config]") {
  auto c = valid_config();
  job_at(c, 1)["id"] = " scan ";  // the original compared ids after trimming
  CHECK(has_error(load(c), "jobs[1].id", "duplicate job id \"scan\" (also jobs[0])"));
}

TEST_CASE("an unknown kind is an error", "[config]") {
  auto c = valid_config();
  job_at(c, 0)["kind"] = "daemon";
  CHECK(has_error(load(c), "jobs[0].kind", "long_running_read, one_shot_read, one_shot_write"));
}

TEST_CASE("an unknown risk is an error", "[config]") {
  auto c = valid_config();
  job_at(c, 1)["risk"] = "harmless";
  CHECK(has_error(load(c), "jobs[1].risk", "read_only, write_local, write_external"));
}

TEST_CASE("a cwd that is empty or not a string is an error", "[config]") {
  auto c = valid_config();
  job_at(c, 0)["cwd"] = "";
  job_at(c, 1)["cwd"] = 7;
  auto l = load(c);
  CHECK(has_error(l, "jobs[0].cwd", "non-empty path string"));
  CHECK(has_error(l, "jobs[1].cwd", "non-empty path string"));
}

TEST_CASE("commands that is missing or not an object is an error", "[config]") {
  auto c = valid_config();
  job_at(c, 0).erase("commands");
  job_at(c, 1)["commands"] = json::array{"check"};
  auto l = load(c);
  CHECK(has_error(l, "jobs[0].commands", "must be an object"));
  CHECK(has_error(l, "jobs[1].commands", "must be an object"));
}

TEST_CASE("a command that is not a non-empty array of non-empty strings is an error", "[config]") {
  auto c = valid_config();
  auto& cmds = job_at(c, 0)["commands"].as_object();
  cmds["status"] = json::array{};
  cmds["start"] = "scan --detach";
  cmds["stop"] = json::array{"kill", ""};
  job_at(c, 1)["commands"].as_object()["run"] = json::array{"check", 1};
  auto l = load(c);
  constexpr auto kMsg = "must be a non-empty array of non-empty strings";
  CHECK(has_error(l, "jobs[0].commands.status", kMsg));
  CHECK(has_error(l, "jobs[0].commands.start", kMsg));
  CHECK(has_error(l, "jobs[0].commands.stop", kMsg));
  CHECK(has_error(l, "jobs[1].commands.run", kMsg));
}

TEST_CASE("long_running_read without start or status is an error", "[config]") {
  auto c = valid_config();
  job_at(c, 0)["commands"].as_object().erase("status");
  auto l = load(c);
  CHECK(has_error(l, "jobs[0].commands.status", "is required for long_running_read"));
  CHECK_FALSE(has_error(l, "jobs[0].commands.start"));
}

TEST_CASE("one_shot jobs without run are an error", "[config]") {
  auto c = valid_config();
  job_at(c, 1)["commands"] = json::object{{"start", json::array{"check"}}};
  job_at(c, 2)["commands"] = json::object{{"verify", json::array{"push", "--check"}}};
  auto l = load(c);
  CHECK(has_error(l, "jobs[1].commands.run", "is required for one_shot_read"));
  CHECK(has_error(l, "jobs[2].commands.run", "is required for one_shot_write"));
}

TEST_CASE("a write job without a read-only success verification is an error", "[config]") {
  constexpr auto kMsg = "naming a read_only job (its verification)";
  auto c = valid_config();
  SECTION("missing after") {
    job_at(c, 2).erase("after");
    CHECK(has_error(load(c), "jobs[2].after", kMsg));
  }
  SECTION("only a failure entry") {
    job_at(c, 2)["after"] = json::array{json::object{{"jobId", "check"}, {"when", "failure"}}};
    CHECK(has_error(load(c), "jobs[2].after", kMsg));
  }
  SECTION("success entry naming a write_local job") {
    job_at(c, 1)["risk"] = "write_local";
    CHECK(has_error(load(c), "jobs[2].after", kMsg));
  }
  SECTION("success entry naming an unknown job") {
    job_at(c, 2)["after"] = json::array{json::object{{"jobId", "chek"}}};
    CHECK(has_error(load(c), "jobs[2].after", kMsg));
  }
}

TEST_CASE("a defaults interval that cannot be a number is an error", "[config]") {
  auto c = valid_config();
  c.as_object()["defaults"] =
      json::object{{"stallSeconds", "an hour"}, {"reportEverySeconds", json::array{60}}};
  auto l = load(c);
  CHECK(has_error(l, "defaults.stallSeconds", "must be a number of seconds"));
  CHECK(has_error(l, "defaults.reportEverySeconds", "must be a number of seconds"));
}

TEST_CASE("opsd's own policy keys must be positive whole numbers", "[config]") {
  auto c = valid_config();
  c.as_object()["defaults"] = json::object{{"pollSeconds", 0}, {"maxAutoResumes", -1}};
  job_at(c, 0)["policy"] =
      json::object{{"statusTimeoutSeconds", "30"}, {"stopTimeoutSeconds", 1.5}};
  auto l = load(c);
  CHECK(has_error(l, "defaults.pollSeconds", "between 1 and"));
  CHECK(has_error(l, "defaults.maxAutoResumes", "between 1 and 1000"));
  CHECK(has_error(l, "jobs[0].policy.statusTimeoutSeconds", "whole number of seconds"));
  CHECK(has_error(l, "jobs[0].policy.stopTimeoutSeconds", "whole number of seconds"));
}

TEST_CASE("notify that is not an object is an error", "[config]") {
  auto c = valid_config();
  c.as_object()["notify"] = "telegram";
  CHECK(has_error(load(c), "notify", "must be an object"));
}

TEST_CASE("notify fields with wrong values are errors", "[config]") {
  auto c = valid_config();
  c.as_object()["notify"] = json::object{
      {"target", true}, {"channel", "slack"}, {"locale", "fr"}, {"silentRoutine", "yes"}};
  auto l = load(c);
  CHECK(has_error(l, "notify.target", "chat id"));
  CHECK(has_error(l, "notify.channel", "\"telegram\""));
  CHECK(has_error(l, "notify.locale", "\"zh\" or \"en\""));
  CHECK(has_error(l, "notify.silentRoutine", "true or false"));
}

TEST_CASE("a config with several errors reports every one with its path", "[config]") {
  auto c = valid_config();
  c.as_object()["version"] = 3;
  job_at(c, 0)["commands"].as_object()["status"] = json::array{};
  job_at(c, 1)["kind"] = "sometimes";
  job_at(c, 2)["risk"] = "yolo";
  c.at("jobs").as_array().push_back(json::object{{"id", "scan"}});
  auto l = load(c);
  INFO(dump(l));
  CHECK_FALSE(l.config);
  CHECK(has_error(l, "version"));
  CHECK(has_error(l, "jobs[0].commands.status"));
  CHECK(has_error(l, "jobs[1].kind"));
  CHECK(has_error(l, "jobs[2].risk"));
  CHECK(has_error(l, "jobs[3].id", "duplicate"));
  CHECK(has_error(l, "jobs[3].kind"));
  CHECK(has_error(l, "jobs[3].risk"));
  CHECK(has_error(l, "jobs[3].commands"));
  CHECK(count(l, Diagnostic::Severity::error) == 8);
}

TEST_CASE("a job with an unknown kind causes no follow-on command errors", "[config]") {
  auto c = valid_config();
  job_at(c, 1)["kind"] = "one_shot";
  auto l = load(c);
  INFO(dump(l));
  CHECK(count(l, Diagnostic::Severity::error) == 1);
}

TEST_CASE("diagnostics format as severity, path and message", "[config]") {
  Diagnostic e{Diagnostic::Severity::error, "jobs[3].commands.status",
               "must be a non-empty array of strings"};
  CHECK(format_diagnostic(e) ==
        "error: jobs[3].commands.status: must be a non-empty array of strings");
  Diagnostic w{Diagnostic::Severity::warning, "", "whole file"};
  CHECK(format_diagnostic(w) == "warning: whole file");
}

TEST_CASE("quiet hours parse HH:MM and reject anything else", "[config]") {
  auto q = parse_quiet_hours("22:30", " 07:05 ");
  REQUIRE(q);
  CHECK(q->start_minute == 22 * 60 + 30);
  CHECK(q->end_minute == 7 * 60 + 5);
  for (auto bad : {"24:00", "7:00", "07:60", "0700", "07:00:00", "", "ab:cd"}) {
    INFO(bad);
    CHECK_FALSE(parse_quiet_hours(bad, "08:00"));
    CHECK_FALSE(parse_quiet_hours("08:00", bad));
  }
  CHECK(parse_quiet_hours("8:00", "09:00").error().message.find("start") != std::string::npos);
}

TEST_CASE("an empty command is one error, without a warning for the same path", "[config]") {
  auto c = valid_config();
  job_at(c, 1)["commands"].as_object()["stop"] = boost::json::array();  // one_shot_read: unused
  auto l = load(c);
  INFO(dump(l));
  CHECK(count(l, Diagnostic::Severity::error) == 1);
  CHECK(count(l, Diagnostic::Severity::warning) == 0);
}
