#include <atomic>
#include <memory>
#include <vector>

#include "control_server_fixture.hpp"
#include "rpc/client.hpp"

using namespace control_server_test;
using opsd::testing::RawConn;

TEST_CASE("connections over max_clients are refused when every session is busy", "[rpc]") {
  opsd::ServerOptions opts;
  opts.max_clients = 1;
  auto started = std::make_shared<std::atomic<bool>>(false);
  Served s(opts, [started](const opsd::Request& req, const opsd::PeerCred& peer) {
    started->store(true);
    return test_handler(req, peer);
  });
  REQUIRE(s.start());
  RawConn first(s.path);
  REQUIRE(first.send_all(opsd::make_request("slow", {}, 1)));  // answered after 2 s
  REQUIRE(eventually([&] { return started->load(); }));
  RawConn second(s.path);
  auto err = reply_of(second.read_line());
  CHECK(error_code_of(err) == -32603);
  CHECK(second.closed_by_peer());
  CHECK(reply_of(first.read_line()).at("id") == 1);  // the busy one was kept
}

TEST_CASE("when full, an idle connection makes room for a new client", "[rpc]") {
  opsd::ServerOptions opts;
  opts.max_clients = 4;
  Served s(opts);
  REQUIRE(s.start());
  std::vector<std::unique_ptr<RawConn>> silent;
  for (int i = 0; i < 4; ++i) silent.push_back(std::make_unique<RawConn>(s.path));
  REQUIRE(eventually([&] { return s.server.session_count() == 4; }));
  for (int i = 0; i < 3; ++i) {
    opsd::Client client(s.path, 5s);
    CHECK(std::holds_alternative<json::value>(client.call("echo", {})));
  }
  CHECK(silent.front()->closed_by_peer());  // the longest idle went first
  CHECK(s.server.session_count() <= 4);
}

TEST_CASE("a client trickling a request byte by byte gets one request timeout in all", "[rpc]") {
  opsd::ServerOptions opts;
  opts.request_timeout = 500ms;
  Served s(opts);
  REQUIRE(s.start());
  RawConn slow(s.path);
  const std::string req = opsd::make_request("echo", {}, 1);
  bool dropped = false;
  // Each byte well inside the timeout, the whole request (~4 s) far beyond it: a timer reset
  // by every byte would keep the connection for as long as the bytes come.
  for (std::size_t i = 0; i + 1 < req.size(); ++i) {
    if (!slow.send_all(req.substr(i, 1))) {
      dropped = true;
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  CHECK(dropped);
  opsd::Client client(s.path, 5s);
  CHECK(std::holds_alternative<json::value>(client.call("echo", {})));
}
