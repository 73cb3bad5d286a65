#include "config/schedule_loader.hpp"

#include <catch2/catch.hpp>

#include "config_test_support.hpp"

namespace opsd {

using namespace opsd::testing;

namespace {

ConfigLoad with_schedule(std::size_t job, const char* schedule_json) {
  boost::json::value c = valid_config();
  job_at(c, job)["enabled"] = true;
  job_at(c, job)["schedule"] = boost::json::parse(schedule_json);
  return load(c);
}

}  // namespace

TEST_CASE("schedule: every and cron load with their defaults", "[config][schedule]") {
  ConfigLoad l = with_schedule(1, R"({"every": "15m"})");
  REQUIRE(l.ok());
  const Schedule& s = *l.config->jobs[1].schedule;
  CHECK(s.every_seconds == 900);
  CHECK(s.catch_up == CatchUp::once);
  CHECK(s.jitter_seconds == 0);
  CHECK(s.spec == "every 15m");

  l = with_schedule(0, R"({"cron": "0 3 * * *", "timezone": "Europe/Berlin",
                           "jitterSeconds": 60, "catchUp": "skip"})");
  REQUIRE(l.ok());
  const Schedule& c = *l.config->jobs[0].schedule;
  CHECK(c.cron.hours[3]);
  CHECK(c.zone.name() == "Europe/Berlin");
  CHECK(c.jitter_seconds == 60);
  CHECK(c.catch_up == CatchUp::skip);
  CHECK(c.spec == "cron 0 3 * * * Europe/Berlin jitter 60s catchUp skip");
  CHECK(l.diagnostics.empty());
}

TEST_CASE("schedule: no schedule means none", "[config][schedule]") {
  ConfigLoad l = load(valid_config());
  REQUIRE(l.ok());
  for (const Job& j : l.config->jobs) CHECK_FALSE(j.schedule.has_value());
  CHECK(with_schedule(1, "null").config->jobs[1].schedule == std::nullopt);
}

TEST_CASE("schedule errors name the JSON path and the field", "[config][schedule]") {
  struct Case {
    const char* json;
    const char* path;
    const char* text;
  };
  const Case cases[] = {
      {R"({"cron": "0 24 * * *"})", "jobs[1].schedule.cron",
       "field 2 (hour): 24 is out of range 0-23"},
      {R"({"cron": "61 * * * *"})", "jobs[1].schedule.cron",
       "field 1 (minute): 61 is out of range 0-59"},
      {R"({"cron": "0 0 * * * *"})", "jobs[1].schedule.cron", "expected 5 fields"},
      {R"({"cron": "0 0 * smarch *"})", "jobs[1].schedule.cron",
       "field 4 (month): unknown name \"smarch\""},
      {R"({"cron": "*/0 * * * *"})", "jobs[1].schedule.cron", "field 1 (minute): step 0"},
      {R"({"cron": "0 0 30 2 *"})", "jobs[1].schedule.cron", "never matches a date"},
      {R"({"cron": 5})", "jobs[1].schedule.cron", "must be a five-field cron string"},
      {R"({"every": "15x"})", "jobs[1].schedule.every", "unknown unit 'x'"},
      {R"({"every": "0s"})", "jobs[1].schedule.every", "must be at least 1s"},
      {R"({"every": 900})", "jobs[1].schedule.every", "must be a duration string"},
      {R"({"every": "5m", "cron": "* * * * *"})", "jobs[1].schedule", "has both"},
      {R"({})", "jobs[1].schedule", "needs \"every\""},
      {R"("15m")", "jobs[1].schedule", "must be an object"},
      {R"({"cron": "0 3 * * *", "timezone": "Mars/Olympus"})", "jobs[1].schedule.timezone",
       "unknown time zone \"Mars/Olympus\""},
      {R"({"every": "1h", "jitterSeconds": -1})", "jobs[1].schedule.jitterSeconds",
       "must be a whole number of seconds"},
      {R"({"every": "1h", "jitterSeconds": "5"})", "jobs[1].schedule.jitterSeconds",
       "must be a whole number of seconds"},
      {R"({"every": "1h", "catchUp": "all"})", "jobs[1].schedule.catchUp",
       "must be \"once\" or \"skip\", got \"all\""},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    ConfigLoad l = with_schedule(1, c.json);
    INFO(dump(l));
    CHECK_FALSE(l.ok());
    CHECK(has_error(l, c.path, c.text));
  }
}

TEST_CASE("schedule: a write job can never have one", "[config][schedule]") {
  ConfigLoad l = with_schedule(2, R"({"every": "1h"})");
  CHECK_FALSE(l.ok());
  CHECK(has_error(l, "jobs[2].schedule", "one_shot_write jobs cannot have a schedule"));
}

TEST_CASE("schedule: a long job that is not read_only cannot have one", "[config][schedule]") {
  boost::json::value c = valid_config();
  job_at(c, 0)["risk"] = "write_local";
  job_at(c, 0)["schedule"] = boost::json::parse(R"({"every": "1h"})");
  ConfigLoad l = load(c);
  CHECK(has_error(l, "jobs[0].schedule", "only read_only jobs can have a schedule"));
}

TEST_CASE("schedule warnings: disabled job, unknown keys, timezone with every",
          "[config][schedule]") {
  boost::json::value c = valid_config();
  job_at(c, 1)["schedule"] =
      boost::json::parse(R"({"every": "1h", "timezone": "UTC", "color": "red"})");
  ConfigLoad l = load(c);
  REQUIRE(l.ok());
  CHECK(has_warning(l, "jobs[1].schedule", "not enabled"));
  CHECK(has_warning(l, "jobs[1].schedule.color"));
  CHECK(has_warning(l, "jobs[1].schedule.timezone", "only cron schedules use a time zone"));
}

}  // namespace opsd
