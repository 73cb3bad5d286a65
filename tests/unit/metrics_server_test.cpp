#include "metrics/metrics_server.hpp"

#include <unistd.h>

#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "fixtures/fake_bot_api.hpp"

using namespace opsd;
namespace asio = boost::asio;
using opsd::testing::run_until;

namespace {

const std::function<std::string()> kRender = [] { return std::string("opsd_up 1\n"); };

// Sends `request` on a fresh connection and reads until the server closes it.
template <class Socket>
std::string exchange(asio::io_context& io, Socket& socket, const std::string& request) {
  std::string reply;
  bool done = false;
  asio::async_write(socket, asio::buffer(request), [](boost::system::error_code, std::size_t) {});
  auto buf = std::make_shared<std::array<char, 4096>>();
  std::function<void()> read = [&, buf] {
    socket.async_read_some(asio::buffer(*buf),
                           [&, buf](boost::system::error_code ec, std::size_t n) {
                             reply.append(buf->data(), n);
                             if (ec) {
                               done = true;
                               return;
                             }
                             read();
                           });
  };
  read();
  REQUIRE(run_until(
      io, [&] { return done; }, std::chrono::seconds(20)));
  return reply;
}

std::string get_tcp(asio::io_context& io, const std::string& address, const std::string& request) {
  auto colon = address.rfind(':');
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address(address.substr(0, colon)),
                  static_cast<unsigned short>(std::stoi(address.substr(colon + 1)))});
  return exchange(io, socket, request);
}

const std::string kGetMetrics = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

}  // namespace

TEST_CASE("metrics http: routes", "[metrics]") {
  auto m = answer_http("GET", "/metrics?x=1", kRender);
  CHECK(m.status == 200);
  CHECK(m.body == "opsd_up 1\n");
  CHECK(m.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(answer_http("GET", "/healthz", kRender).status == 200);
  CHECK(answer_http("GET", "/", kRender).status == 200);
  CHECK(answer_http("GET", "/nope", kRender).status == 404);
  CHECK(answer_http("POST", "/metrics", kRender).status == 405);
}

TEST_CASE("metrics server: serves /metrics and /healthz over TCP", "[metrics]") {
  asio::io_context io;
  MetricsServer server(io, {"127.0.0.1:0"}, kRender);
  REQUIRE(server.bind());
  server.start();
  const std::string addr = server.local_address();
  REQUIRE(addr.starts_with("127.0.0.1:"));
  CHECK(addr != "127.0.0.1:0");
  std::string reply = get_tcp(io, addr, kGetMetrics);
  CHECK_THAT(reply, Catch::StartsWith("HTTP/1.1 200") && Catch::Contains("opsd_up 1") &&
                        Catch::Contains("version=0.0.4"));
  reply = get_tcp(io, addr, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK_THAT(reply, Catch::StartsWith("HTTP/1.1 200") && Catch::EndsWith("ok\n"));
}

TEST_CASE("metrics server: keep-alive serves several requests on one connection", "[metrics]") {
  asio::io_context io;
  MetricsServer server(io, {"127.0.0.1:0"}, kRender);
  REQUIRE(server.bind());
  server.start();
  std::string two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + kGetMetrics;
  std::string reply = get_tcp(io, server.local_address(), two);
  CHECK_THAT(reply, Catch::Contains("ok\n") && Catch::Contains("opsd_up 1"));
}

TEST_CASE("metrics server: an oversized request gets 431 and is closed", "[metrics]") {
  asio::io_context io;
  MetricsServerOptions o{"127.0.0.1:0"};
  o.max_request_bytes = 512;
  MetricsServer server(io, o, kRender);
  REQUIRE(server.bind());
  server.start();
  std::string big =
      "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(2000, 'a') + "\r\n\r\n";
  CHECK_THAT(get_tcp(io, server.local_address(), big), Catch::StartsWith("HTTP/1.1 431"));
}

TEST_CASE("metrics server: connections over the limit are closed at once", "[metrics]") {
  asio::io_context io;
  MetricsServerOptions o{"127.0.0.1:0"};
  o.max_connections = 1;
  MetricsServer server(io, o, kRender);
  REQUIRE(server.bind());
  server.start();
  const std::string addr = server.local_address();
  auto colon = addr.rfind(':');
  asio::ip::tcp::endpoint ep{asio::ip::make_address(addr.substr(0, colon)),
                             static_cast<unsigned short>(std::stoi(addr.substr(colon + 1)))};
  asio::ip::tcp::socket idle(io);
  idle.connect(ep);  // holds the only slot, sends nothing
  // Let the server accept it before the second one arrives.
  asio::ip::tcp::socket second(io);
  second.connect(ep);
  std::string reply = exchange(io, second, kGetMetrics);
  CHECK(reply.empty());
  idle.close();
  // The slot frees once the server notices the close.
  std::string later;
  REQUIRE(run_until(
      io,
      [&] {
        later = get_tcp(io, addr, kGetMetrics);
        return later.starts_with("HTTP/1.1 200");
      },
      std::chrono::seconds(20)));
}

TEST_CASE("metrics server: an idle connection is closed after the request timeout", "[metrics]") {
  asio::io_context io;
  MetricsServerOptions o{"127.0.0.1:0"};
  o.request_timeout = std::chrono::milliseconds(200);
  MetricsServer server(io, o, kRender);
  REQUIRE(server.bind());
  server.start();
  const std::string addr = server.local_address();
  // Half a request, then silence: the server gives up and closes without an answer.
  CHECK(get_tcp(io, addr, "GET /metrics HTTP/1.1\r\n").empty());
}

TEST_CASE("metrics server: a Unix socket path works and is removed on stop", "[metrics]") {
  const std::string dir =
      std::filesystem::temp_directory_path() / ("opsd-metrics-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/metrics.sock";
  asio::io_context io;
  {
    MetricsServer server(io, {path}, kRender);
    REQUIRE(server.bind());
    server.start();
    CHECK(server.local_address() == path);
    asio::local::stream_protocol::socket socket(io);
    socket.connect(asio::local::stream_protocol::endpoint(path));
    CHECK_THAT(exchange(io, socket, kGetMetrics), Catch::Contains("opsd_up 1"));
    server.stop();
    CHECK_FALSE(std::filesystem::exists(path));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("metrics server: a port in use is an error naming the address", "[metrics]") {
  asio::io_context io;
  asio::ip::tcp::acceptor taken(io, {asio::ip::make_address("127.0.0.1"), 0});
  const std::string addr = "127.0.0.1:" + std::to_string(taken.local_endpoint().port());
  MetricsServer server(io, {addr}, kRender);
  Status st = server.bind();
  REQUIRE_FALSE(st);
  CHECK_THAT(st.message(),
             Catch::Contains("metrics.listen " + addr) && Catch::Contains("cannot listen"));
}
