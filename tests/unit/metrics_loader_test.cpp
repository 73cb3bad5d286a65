#include "config/metrics_loader.hpp"

#include <catch2/catch.hpp>

#include "config_test_support.hpp"

using namespace opsd::testing;
using opsd::config_detail::split_host_port;

namespace {

opsd::ConfigLoad with(const char* key, boost::json::value v) {
  boost::json::value c = valid_config();
  c.as_object()[key] = std::move(v);
  return load(c);
}

opsd::ConfigLoad with_heartbeat(boost::json::value hb) {
  boost::json::value c = valid_config();
  c.as_object()["notify"] = boost::json::object{{"heartbeat", std::move(hb)}};
  return load(c);
}

}  // namespace

TEST_CASE("metrics config: absent means no endpoint, no textfile, no heartbeat",
          "[config][metrics]") {
  auto l = load(valid_config());
  REQUIRE(l.ok());
  CHECK(l.config->metrics.listen.empty());
  CHECK(l.config->metrics.textfile.empty());
  CHECK(l.config->notify.heartbeat.url.empty());
}

TEST_CASE("metrics config: listen takes host:port or a Unix socket path", "[config][metrics]") {
  auto tcp = with("metrics", boost::json::parse(R"({"listen": "127.0.0.1:9478"})"));
  REQUIRE(tcp.ok());
  CHECK(tcp.config->metrics.listen == "127.0.0.1:9478");
  auto v6 = with("metrics", boost::json::parse(R"({"listen": "[::1]:9478"})"));
  REQUIRE(v6.ok());
  auto unix_path = with("metrics", boost::json::parse(R"({"listen": "/run/opsd/metrics.sock"})"));
  REQUIRE(unix_path.ok());
  CHECK(unix_path.config->metrics.listen == "/run/opsd/metrics.sock");
}

TEST_CASE("metrics config: a bad listen value is an error naming metrics.listen",
          "[config][metrics]") {
  CHECK(has_error(with("metrics", boost::json::parse(R"({"listen": "9478"})")), "metrics.listen",
                  "host:port"));
  CHECK(has_error(with("metrics", boost::json::parse(R"({"listen": "localhost:99999"})")),
                  "metrics.listen", "1-65535"));
  CHECK(has_error(with("metrics", boost::json::parse(R"({"listen": 9478})")), "metrics.listen",
                  "must be a string"));
  CHECK(has_error(with("metrics", boost::json::parse(R"({"listen": "::1:9478"})")),
                  "metrics.listen"));
  CHECK(has_error(with("metrics", boost::json::parse("[1]")), "metrics", "must be an object"));
}

TEST_CASE("metrics config: textfile must be absolute; a name without .prom warns",
          "[config][metrics]") {
  auto ok = with("metrics", boost::json::parse(R"({"textfile": "/var/lib/node/opsd.prom"})"));
  REQUIRE(ok.ok());
  CHECK(ok.config->metrics.textfile == "/var/lib/node/opsd.prom");
  CHECK(has_error(with("metrics", boost::json::parse(R"({"textfile": "opsd.prom"})")),
                  "metrics.textfile", "absolute"));
  auto odd = with("metrics", boost::json::parse(R"({"textfile": "/tmp/opsd.txt"})"));
  CHECK(odd.ok());
  CHECK(has(odd, opsd::Diagnostic::Severity::warning, "metrics.textfile", "*.prom"));
  CHECK(has(with("metrics", boost::json::parse(R"({"port": 1})")),
            opsd::Diagnostic::Severity::warning, "metrics.port"));
}

TEST_CASE("heartbeat config: url and everySeconds", "[config][metrics]") {
  auto l = with_heartbeat(
      boost::json::parse(R"({"url": "https://hc-ping.com/abc", "everySeconds": 60})"));
  REQUIRE(l.ok());
  CHECK(l.config->notify.heartbeat.url == "https://hc-ping.com/abc");
  CHECK(l.config->notify.heartbeat.every_seconds == 60);
  auto d = with_heartbeat(boost::json::parse(R"({"url": "https://hc-ping.com/abc"})"));
  REQUIRE(d.ok());
  CHECK(d.config->notify.heartbeat.every_seconds == 300);
  CHECK(with_heartbeat(boost::json::parse(R"({"url": "http://127.0.0.1:8000/x"})")).ok());
}

TEST_CASE("heartbeat config: errors name notify.heartbeat paths", "[config][metrics]") {
  CHECK(has_error(with_heartbeat(boost::json::parse(R"({"everySeconds": 60})")),
                  "notify.heartbeat.url", "missing"));
  CHECK(has_error(with_heartbeat(boost::json::parse(R"({"url": "ftp://x/y"})")),
                  "notify.heartbeat.url", "https://"));
  CHECK(has_error(with_heartbeat(boost::json::parse(R"({"url": "http://hc-ping.com/abc"})")),
                  "notify.heartbeat.url", "loopback"));
  CHECK(has_error(with_heartbeat(boost::json::parse(R"({"url": "https://u:p@host/abc"})")),
                  "notify.heartbeat.url", "user info"));
  CHECK(has_error(with_heartbeat(boost::json::parse(R"({"url": 5})")), "notify.heartbeat.url",
                  "must be a string"));
  CHECK(
      has_error(with_heartbeat(boost::json::parse(R"({"url": "https://h/x", "everySeconds": 0})")),
                "notify.heartbeat.everySeconds", "positive integer"));
  CHECK(has_error(
      with_heartbeat(boost::json::parse(R"({"url": "https://h/x", "everySeconds": "5m"})")),
      "notify.heartbeat.everySeconds"));
  CHECK(has_error(with_heartbeat(boost::json::parse("true")), "notify.heartbeat", "object"));
}

TEST_CASE("split_host_port: names, IPv4 and bracketed IPv6", "[config][metrics]") {
  std::string h, p;
  CHECK(split_host_port("localhost:9478", h, p));
  CHECK((h == "localhost" && p == "9478"));
  CHECK(split_host_port("[::1]:80", h, p));
  CHECK((h == "::1" && p == "80"));
  CHECK_FALSE(split_host_port("::1:80", h, p));
  CHECK_FALSE(split_host_port(":80", h, p));
  CHECK_FALSE(split_host_port("host", h, p));
}
