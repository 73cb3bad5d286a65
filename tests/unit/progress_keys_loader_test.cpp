#include "config/progress_keys_loader.hpp"

#include <catch2/catch.hpp>

#include "config_test_support.hpp"

namespace json = boost::json;
using namespace opsd::testing;

TEST_CASE("policy.progressKeys names the done/total or percent keys", "[progress_keys]") {
  auto c = valid_config();
  c.as_object()["defaults"] = json::object{{"progressKeys", json::object{{"percent", "pct"}}}};
  job_at(c, 0)["policy"] =
      json::object{{"progressKeys", json::object{{"done", "scanned"}, {"total", " hosts "}}}};
  auto l = load(c);
  REQUIRE(l.ok());
  INFO(dump(l));
  CHECK(l.diagnostics.empty());
  const opsd::ProgressKeys& job = l.config->jobs[0].policy.progress_keys;
  CHECK(job.done == "scanned");
  CHECK(job.total == "hosts");  // trimmed
  CHECK(job.percent.empty());   // the job's block replaces the defaults' whole
  const opsd::ProgressKeys& other = l.config->jobs[1].policy.progress_keys;
  CHECK(other.percent == "pct");  // from defaults
  CHECK(l.config->defaults.progress_keys.percent == "pct");
}

TEST_CASE("progressKeys absent, null or {} means the usual names", "[progress_keys]") {
  auto c = valid_config();
  CHECK(load(c).config->jobs[0].policy.progress_keys == opsd::ProgressKeys{});
  job_at(c, 0)["policy"] = json::object{{"progressKeys", nullptr}};
  CHECK(load(c).config->jobs[0].policy.progress_keys == opsd::ProgressKeys{});
  job_at(c, 0)["policy"] = json::object{{"progressKeys", json::object{}}};
  auto l = load(c);
  CHECK(l.diagnostics.empty());
  CHECK(l.config->jobs[0].policy.progress_keys == opsd::ProgressKeys{});
}

TEST_CASE("a wrong progressKeys is an error naming its JSON path", "[progress_keys]") {
  auto with = [](json::value keys) {
    auto c = valid_config();
    job_at(c, 0)["policy"] = json::object{{"progressKeys", std::move(keys)}};
    return load(c);
  };
  const std::string at = "jobs[0].policy.progressKeys";
  auto l = with("scanned");
  CHECK_FALSE(l.ok());
  CHECK(has_error(l, at, "must be an object like {\"done\": \"scanned\", \"total\": \"hosts\"}"));
  CHECK(has_error(l, at, "got a string"));
  CHECK(has_error(with(json::object{{"done", "scanned"}}), at + ".total", "is missing"));
  CHECK(has_error(with(json::object{{"total", "hosts"}}), at + ".done", "is missing"));
  CHECK(has_error(with(json::object{{"done", 3}, {"total", "hosts"}}), at + ".done",
                  "non-empty string), got a number"));
  CHECK(has_error(with(json::object{{"percent", " "}}), at + ".percent", "got an empty string"));
  CHECK(has_error(with(json::object{{"percent", "p"}, {"done", "d"}, {"total", "t"}}), at,
                  "either \"percent\" or \"done\" and \"total\", not both"));
  // An unknown key inside is a warning; the rest still counts.
  auto typo = with(json::object{{"percent", "p"}, {"totl", "t"}});
  CHECK(typo.ok());
  CHECK(has_warning(typo, at + ".totl"));
  CHECK(typo.config->jobs[0].policy.progress_keys.percent == "p");
}
