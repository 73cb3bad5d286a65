#include "metrics/ping_client.hpp"

#include <unistd.h>

#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <optional>

#include "fixtures/fake_bot_api.hpp"

using namespace opsd;
using opsd::testing::FakeBotApi;
using opsd::testing::run_until;

namespace {

PingResult ping_once(boost::asio::io_context& io, HttpPingClient& c, const std::string& url) {
  std::optional<PingResult> got;
  c.ping(url, [&](PingResult r) { got = std::move(r); });
  REQUIRE(run_until(
      io, [&] { return got.has_value(); }, std::chrono::seconds(20)));
  return *got;
}

}  // namespace

TEST_CASE("ping client: a 2xx answer is ok; the path and query are sent", "[heartbeat]") {
  boost::asio::io_context io;
  FakeBotApi server(io);
  HttpPingClient c(io.get_executor(), "");
  CHECK(ping_once(io, c, server.url() + "/ping/uuid-1?rid=2").ok);
  REQUIRE(server.requests.size() == 1);
  CHECK(server.requests[0].method == "GET");
  CHECK(server.requests[0].target == "/ping/uuid-1?rid=2");
}

TEST_CASE("ping client: a non-2xx answer fails without naming the URL", "[heartbeat]") {
  boost::asio::io_context io;
  FakeBotApi server(io);
  server.respond({404, "not found"});
  HttpPingClient c(io.get_executor(), "");
  PingResult r = ping_once(io, c, server.url() + "/secret-uuid");
  CHECK_FALSE(r.ok);
  CHECK(r.error == "HTTP 404");
}

TEST_CASE("ping client: a refused connection fails", "[heartbeat]") {
  boost::asio::io_context io;
  std::string url;
  {
    boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    url = "http://127.0.0.1:" + std::to_string(probe.local_endpoint().port()) + "/x";
  }
  HttpPingClient c(io.get_executor(), "");
  PingResult r = ping_once(io, c, url);
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.error, Catch::Contains("connecting failed"));
}

TEST_CASE("ping client: HTTPS verifies the peer", "[heartbeat]") {
  const auto cert = opsd::testing::make_self_signed_cert();
  boost::asio::io_context io;
  FakeBotApi server(io, &cert);
  {
    HttpPingClient untrusting(io.get_executor(), "");
    PingResult r = ping_once(io, untrusting, server.url() + "/uuid");
    CHECK_FALSE(r.ok);
    CHECK_THAT(r.error, Catch::Contains("TLS handshake failed"));
    CHECK(server.requests.empty());
  }
  const auto ca = std::filesystem::temp_directory_path() /
                  ("opsd-ping-ca-" + std::to_string(::getpid()) + ".pem");
  std::ofstream(ca) << cert.cert_pem;
  HttpPingClient trusting(io.get_executor(), ca.string());
  CHECK(ping_once(io, trusting, server.url() + "/uuid").ok);
  std::filesystem::remove(ca);
  CHECK(server.requests.size() == 1);
}

TEST_CASE("ping client: a server that never answers times out", "[heartbeat]") {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  silent.listen();
  HttpPingClient c(io.get_executor(), "", std::chrono::milliseconds(200));
  PingResult r =
      ping_once(io, c, "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/x");
  CHECK_FALSE(r.ok);
  CHECK_THAT(r.error, Catch::Contains("timed out"));
}
