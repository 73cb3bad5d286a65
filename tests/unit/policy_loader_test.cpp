// The policy keys of opsd's growing backoff and restart on stall (docs/config.md).
#include "config/policy_loader.hpp"

#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using namespace opsd;
using namespace opsd::testing;
namespace json = boost::json;

namespace {

json::value with_long_policy(json::object policy) {
  json::value c = valid_config();
  job_at(c, 0)["policy"] = std::move(policy);
  return c;
}

}  // namespace

TEST_CASE("without the new keys the backoff, health and stall policy have their defaults",
          "[config]") {
  auto l = load(valid_config());
  REQUIRE(l.ok());
  const Policy& p = l.config->jobs[0].policy;
  CHECK(p.auto_resume_backoff_seconds == 900);
  CHECK(p.auto_resume_backoff_max_seconds == 3600);
  CHECK(p.healthy_after_seconds == 600);
  CHECK(p.on_stall == OnStall::alert);
}

TEST_CASE("backoff max, healthyAfterSeconds and onStall are read per job", "[config]") {
  auto l = load(with_long_policy({{"autoResume", true},
                                  {"autoResumeBackoffMaxSeconds", 7200},
                                  {"healthyAfterSeconds", 120},
                                  {"onStall", "restart"}}));
  INFO(dump(l));
  REQUIRE(l.ok());
  CHECK(l.diagnostics.empty());
  const Policy& p = l.config->jobs[0].policy;
  CHECK(p.auto_resume_backoff_max_seconds == 7200);
  CHECK(p.healthy_after_seconds == 120);
  CHECK(p.on_stall == OnStall::restart);
}

TEST_CASE("bad values of the new keys are errors at their path", "[config]") {
  auto l = load(with_long_policy({{"autoResumeBackoffMaxSeconds", 0},
                                  {"healthyAfterSeconds", "soon"},
                                  {"onStall", "reboot"}}));
  CHECK_FALSE(l.ok());
  CHECK(has_error(l, "jobs[0].policy.autoResumeBackoffMaxSeconds", "between 1 and"));
  CHECK(has_error(l, "jobs[0].policy.healthyAfterSeconds"));
  CHECK(has_error(l, "jobs[0].policy.onStall", "\"alert\" or \"restart\""));
}

TEST_CASE("onStall restart without autoResume is an error at its path", "[config]") {
  auto l = load(with_long_policy({{"onStall", "restart"}}));
  CHECK_FALSE(l.ok());
  CHECK(has_error(l, "jobs[0].policy.onStall", "needs autoResume"));
}

TEST_CASE("onStall restart on a write or one-shot job is an error at its path", "[config]") {
  json::value c = with_long_policy({{"autoResume", true}, {"onStall", "restart"}});
  job_at(c, 0)["risk"] = "write_local";
  auto l = load(c);
  CHECK(has_error(l, "jobs[0].policy.onStall", "needs risk read_only"));
  c = valid_config();
  job_at(c, 1)["policy"] = json::object{{"onStall", "restart"}};
  l = load(c);
  CHECK(has_error(l, "jobs[1].policy.onStall", "only to long_running_read"));
}

TEST_CASE("onStall restart inherited from defaults is checked for each long job", "[config]") {
  json::value c = valid_config();
  c.as_object()["defaults"] = json::object{{"onStall", "restart"}};
  auto l = load(c);
  CHECK(has_error(l, "defaults.onStall", "inherited by jobs[0]"));
  c.as_object()["defaults"] = json::object{{"onStall", "restart"}, {"autoResume", true}};
  l = load(c);
  INFO(dump(l));
  CHECK(l.ok());  // the one-shot jobs simply do not use it
}
