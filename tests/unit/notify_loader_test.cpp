#include "config/notify_loader.hpp"

#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using namespace opsd::testing;

namespace {

opsd::ConfigLoad with_notify(const char* json_text) {
  boost::json::value c = valid_config();
  c.as_object()["notify"] = boost::json::parse(json_text);
  return load(c);
}

}  // namespace

TEST_CASE("notify delivery keys: defaults are cards, 10 s edits, 3 s groups, no topics",
          "[config][cards]") {
  auto l = load(valid_config());
  REQUIRE(l.ok());
  const opsd::NotifyConfig& n = l.config->notify;
  CHECK(n.progress == opsd::NotifyProgress::card);
  CHECK(n.card_edit_seconds == 10);
  CHECK(n.group_wait_seconds == 3);
  CHECK(n.thread_id.empty());
  CHECK(n.alerts_target.empty());
  CHECK(n.alerts_thread_id.empty());
}

TEST_CASE("notify delivery keys: every key is read", "[config][cards]") {
  auto l = with_notify(R"({"progress": "messages", "cardEditSeconds": 30, "groupWaitSeconds": 0,
                           "threadId": 17, "alerts": {"target": -1001234, "threadId": "5"}})");
  REQUIRE(l.ok());
  const opsd::NotifyConfig& n = l.config->notify;
  CHECK(n.progress == opsd::NotifyProgress::messages);
  CHECK(n.card_edit_seconds == 30);
  CHECK(n.group_wait_seconds == 0);
  CHECK(n.thread_id == "17");
  CHECK(n.alerts_target == "-1001234");
  CHECK(n.alerts_thread_id == "5");
}

TEST_CASE("notify delivery keys: bad values are errors naming their path", "[config][cards]") {
  CHECK(has_error(with_notify(R"({"progress": "live"})"), "notify.progress",
                  "must be \"card\" or \"messages\""));
  CHECK(has_error(with_notify(R"({"cardEditSeconds": 1})"), "notify.cardEditSeconds",
                  "from 3 to 600"));
  CHECK(has_error(with_notify(R"({"groupWaitSeconds": 61})"), "notify.groupWaitSeconds",
                  "from 0 to 60"));
  CHECK(
      has_error(with_notify(R"({"groupWaitSeconds": "3"})"), "notify.groupWaitSeconds", "integer"));
  CHECK(
      has_error(with_notify(R"({"threadId": "general"})"), "notify.threadId", "positive integer"));
  CHECK(has_error(with_notify(R"({"threadId": true})"), "notify.threadId", "string or integer"));
  CHECK(has_error(with_notify(R"({"alerts": []})"), "notify.alerts", "must be an object"));
  CHECK(has_error(with_notify(R"({"alerts": {"target": 1.5}})"), "notify.alerts.target",
                  "a chat id"));
  CHECK(has_error(with_notify(R"({"alerts": {"threadId": 0}})"), "notify.alerts.threadId",
                  "positive integer"));
}
