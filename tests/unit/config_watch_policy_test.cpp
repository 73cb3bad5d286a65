#include "service/config_watch_policy.hpp"

#include <catch2/catch.hpp>

using opsd::ConfigWatchPolicy;

TEST_CASE("the file is read once it stayed untouched for the debounce time",
          "[config_watch_policy]") {
  ConfigWatchPolicy p(300);
  CHECK_FALSE(p.read_due());
  CHECK_FALSE(p.take_read(1000));
  p.touched(1000);
  CHECK(p.read_due() == 1300);
  CHECK_FALSE(p.take_read(1299));
  // Each event of a save pushes the read back: one read for the whole save.
  p.touched(1200);
  CHECK_FALSE(p.take_read(1300));
  CHECK(p.read_due() == 1500);
  CHECK(p.take_read(1500));
  CHECK_FALSE(p.read_due());
  CHECK_FALSE(p.take_read(2000));
}

TEST_CASE("only bytes that differ from the last read are news", "[config_watch_policy]") {
  ConfigWatchPolicy p;
  CHECK(p.content_changed(std::string("a")));
  CHECK_FALSE(p.content_changed(std::string("a")));
  CHECK(p.content_changed(std::string("b")));
  CHECK(p.content_changed(std::nullopt));  // deleted
  CHECK_FALSE(p.content_changed(std::nullopt));
  CHECK(p.content_changed(std::string("")));  // created empty
  CHECK(p.content_changed(std::string("a")));
  ConfigWatchPolicy fresh;
  CHECK(fresh.content_changed(std::nullopt));  // the first read is always news
}

TEST_CASE("one alert per distinct error set; a fixed config broken again alerts again",
          "[config_watch_policy]") {
  ConfigWatchPolicy p;
  const std::vector<std::string> v2 = {"error: version: must be 1, got 2"};
  const std::vector<std::string> two = {"error: version: must be 1, got 2",
                                        "error: jobs[0].kind: is missing"};
  CHECK(p.alert_due(v2));
  CHECK_FALSE(p.alert_due(v2));
  CHECK(p.alert_due(two));
  CHECK_FALSE(p.alert_due(two));
  CHECK(p.alert_due(v2));  // a different set than the last alerted
  p.loaded();
  CHECK(p.alert_due(v2));
  CHECK_FALSE(p.alert_due(v2));
}
