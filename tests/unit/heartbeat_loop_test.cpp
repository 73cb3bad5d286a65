#include "metrics/heartbeat_loop.hpp"

#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <vector>

#include "fixtures/fake_bot_api.hpp"
#include "fixtures/fake_clock.hpp"

using namespace opsd;
using opsd::testing::run_until;

namespace {

// Answers each ping on the next turn of the loop with `next`.
class FakePingClient final : public PingClient {
 public:
  explicit FakePingClient(boost::asio::io_context& io) : io_(io) {}
  void ping(const std::string& url, std::function<void(PingResult)> done) override {
    urls.push_back(url);
    boost::asio::post(io_, [done, r = next] { done(r); });
  }
  std::vector<std::string> urls;
  PingResult next{true, ""};

 private:
  boost::asio::io_context& io_;
};

struct Loop {
  boost::asio::io_context io;
  FakePingClient client{io};
  HeartbeatCounters counters;
  FakeClock clock;
  HeartbeatConfig config{"https://hc-ping.com/secret-uuid", 2};
  HeartbeatVerdict verdict;
  int changes = 0;
  HeartbeatLoop loop{
      io.get_executor(),
      client,
      counters,
      clock,
      HeartbeatHooks{[this] { return config; }, [this] { return verdict; }, [this] { ++changes; }},
      std::chrono::milliseconds(5)};
};

}  // namespace

TEST_CASE("heartbeat loop: pings at start and then at each interval", "[heartbeat]") {
  Loop l;
  l.loop.start();
  REQUIRE(run_until(l.io, [&] { return l.client.urls.size() >= 3; }));
  CHECK(l.client.urls[0] == "https://hc-ping.com/secret-uuid");
  CHECK(l.counters.pings_total >= 3);
  CHECK(l.counters.failures_total == 0);
  CHECK(l.counters.last_success_at == l.clock.now());
  CHECK(l.changes >= 2);
  CHECK(l.loop.describe().find("secret") == std::string::npos);
  CHECK_THAT(l.loop.describe(), Catch::StartsWith("ok at "));
}

TEST_CASE("heartbeat loop: an unresolved alert pings /fail until it resolves", "[heartbeat]") {
  Loop l;
  l.verdict = {true, "job scan: alert unresolved"};
  l.loop.start();
  REQUIRE(run_until(l.io, [&] { return l.client.urls.size() >= 2; }));
  CHECK(l.client.urls[0] == "https://hc-ping.com/secret-uuid/fail");
  l.verdict = {};
  const std::size_t before = l.client.urls.size();
  REQUIRE(run_until(l.io, [&] { return l.client.urls.size() >= before + 2; }));
  CHECK(l.client.urls.back() == "https://hc-ping.com/secret-uuid");
}

TEST_CASE("heartbeat loop: a failing ping is counted and described, not retried at once",
          "[heartbeat]") {
  Loop l;
  l.client.next = {false, "HTTP 503"};
  l.loop.start();
  REQUIRE(run_until(l.io, [&] { return l.counters.failures_total >= 2; }));
  CHECK(l.counters.last_success_at == 0);
  CHECK_THAT(l.loop.describe(), Catch::StartsWith("failing: https://hc-ping.com/<redacted>") &&
                                    Catch::Contains("HTTP 503"));
  CHECK(l.counters.pings_total == l.counters.failures_total);  // one ping per interval
}

TEST_CASE("heartbeat loop: no URL, no ping; a reload that adds one starts pinging", "[heartbeat]") {
  Loop l;
  l.config.url.clear();
  l.loop.start();
  l.io.poll();
  l.io.restart();  // poll() ran out of work, which stops the io_context
  CHECK(l.client.urls.empty());
  CHECK(l.loop.describe().empty());
  l.config.url = "https://hc-ping.com/new";
  l.loop.reconfigure();
  REQUIRE(run_until(l.io, [&] { return !l.client.urls.empty(); }));
  CHECK(l.client.urls[0] == "https://hc-ping.com/new");
  l.config.url.clear();
  l.loop.reconfigure();
  l.io.poll();
  l.io.restart();
  const std::size_t after = l.client.urls.size();
  l.io.run_for(std::chrono::milliseconds(50));
  CHECK(l.client.urls.size() == after);
}
