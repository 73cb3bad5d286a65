#include "rpc/client.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstring>
#include <thread>

#include "rpc/protocol.hpp"
#include "rpc_test_support.hpp"

namespace json = boost::json;
using namespace std::chrono_literals;
using Kind = opsd::ClientError::Kind;
using opsd::testing::TempDir;

namespace {

// A listening socket that answers one connection with a canned reply (after reading the
// request line). "{id}" in the reply is replaced by the request's id. Without a reply it
// accepts nothing and lets the client wait.
class FakeDaemon {
 public:
  FakeDaemon(const std::string& path, std::optional<std::string> reply)
      : fd_(::socket(AF_UNIX, SOCK_STREAM, 0)) {
    sockaddr_un addr = opsd::testing::unix_addr(path);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    if (reply) thread_ = std::thread([this, r = *reply] { serve_one(r); });
  }
  ~FakeDaemon() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  const std::string& request() const { return request_; }

 private:
  void serve_one(std::string reply) {
    int conn = ::accept(fd_, nullptr, nullptr);
    if (conn < 0) return;
    char c;
    while (::recv(conn, &c, 1, 0) == 1 && c != '\n') request_.push_back(c);
    auto req = opsd::parse_request(request_);
    if (auto pos = reply.find("{id}"); pos != std::string::npos && req.request) {
      reply.replace(pos, 4, json::serialize(req.request->id));
    }
    for (std::size_t sent = 0; sent < reply.size();) {
      ssize_t n = ::send(conn, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    ::close(conn);
  }

  int fd_;
  std::thread thread_;
  std::string request_;
};

opsd::ClientError error_of(const std::variant<json::value, opsd::ClientError>& r) {
  REQUIRE(std::holds_alternative<opsd::ClientError>(r));
  return std::get<opsd::ClientError>(r);
}

}  // namespace

TEST_CASE("client without a socket file is unreachable and names the path", "[rpc]") {
  TempDir dir;
  const std::string path = dir.path() + "/opsd.sock";
  opsd::Client client(path, 1s);
  const auto err = error_of(client.call("status", {}));
  CHECK(err.kind == Kind::unreachable);
  CHECK(err.message.find(path) != std::string::npos);
  CHECK_FALSE(err.rpc);
}

TEST_CASE("client on a stale socket file is unreachable", "[rpc]") {
  TempDir dir;
  const std::string path = dir.path() + "/opsd.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr = opsd::testing::unix_addr(path);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  ::close(fd);
  opsd::Client client(path, 1s);
  const auto err = error_of(client.call("status", {}));
  CHECK(err.kind == Kind::unreachable);
  CHECK(err.message.find(path) != std::string::npos);
}

TEST_CASE("client sends one JSON-RPC request line and returns the result", "[rpc]") {
  TempDir dir;
  const std::string path = dir.path() + "/opsd.sock";
  FakeDaemon daemon(path, R"({"jsonrpc":"2.0","id":{id},"result":{"ok":true}})"
                          "\n");
  opsd::Client client(path, 5s);
  auto r = client.call("start", {{"job", "scan"}});
  REQUIRE(std::holds_alternative<json::value>(r));
  CHECK(std::get<json::value>(r).at("ok") == true);
  auto req = opsd::parse_request(daemon.request());
  REQUIRE(req.request);
  CHECK(req.request->method == "start");
  CHECK(req.request->params.at("job") == "scan");
}

TEST_CASE("client maps an error reply to an rpc error with its fault", "[rpc]") {
  TempDir dir;
  const std::string path = dir.path() + "/opsd.sock";
  FakeDaemon daemon(path, opsd::make_error(json::value(nullptr), {opsd::Fault::unknown_job, "x"}));
  opsd::Client client(path, 5s);
  const auto err = error_of(client.call("stop", {{"job", "x"}}));
  CHECK(err.kind == Kind::rpc);
  REQUIRE(err.rpc);
  CHECK(err.rpc->code == opsd::Fault::unknown_job);
  CHECK(err.message == "x");
}

TEST_CASE("client keeps the message of an unknown error code as internal_error", "[rpc]") {
  TempDir dir;
  const std::string path = dir.path() + "/opsd.sock";
  FakeDaemon daemon(path, R"({"jsonrpc":"2.0","id":{id},"error":{"code":4242,"message":"odd"}})"
                          "\n");
  opsd::Client client(path, 5s);
  const auto err = error_of(client.call("status", {}));
  CHECK(err.kind == Kind::rpc);
  REQUIRE(err.rpc);
  CHECK(err.rpc->code == opsd::Fault::internal_error);
  CHECK(err.rpc->message == "odd");
}

TEST_CASE("client reports garbage, a wrong id or a hang-up as protocol errors", "[rpc]") {
  TempDir dir;
  const std::string path = dir.path() + "/opsd.sock";
  for (std::string reply : {std::string("not json\n"),
                            std::string(R"({"jsonrpc":"2.0","id":999,"result":1})"
                                        "\n"),
                            std::string("")}) {
    INFO(reply);
    ::unlink(path.c_str());
    FakeDaemon daemon(path, reply);
    opsd::Client client(path, 5s);
    const auto err = error_of(client.call("status", {}));
    CHECK(err.kind == Kind::protocol);
    CHECK(err.message.find(path) != std::string::npos);
  }
}

TEST_CASE("client refuses a reply over 64 MiB", "[rpc]") {
  TempDir dir;
  const std::string path = dir.path() + "/opsd.sock";
  FakeDaemon daemon(path, std::string(opsd::kMaxReplyBytes + 10, 'x'));
  opsd::Client client(path, 5s);
  const auto err = error_of(client.call("status", {}));
  CHECK(err.kind == Kind::protocol);
  CHECK(err.message.find("64 MiB") != std::string::npos);
}

TEST_CASE("client accepts a reply larger than a request may be (status of many jobs)", "[rpc]") {
  TempDir dir;
  const std::string path = dir.path() + "/opsd.sock";
  const std::string big(2 * opsd::kMaxFrameBytes, 'j');
  FakeDaemon daemon(path, R"({"jsonrpc":"2.0","id":{id},"result":{"jobs":")" + big + "\"}}\n");
  opsd::Client client(path, 5s);
  auto r = client.call("status", {});
  REQUIRE(std::holds_alternative<json::value>(r));
  CHECK(std::get<json::value>(r).at("jobs").as_string().size() == big.size());
}

TEST_CASE("client refuses to send a request over 1 MiB", "[rpc]") {
  TempDir dir;
  opsd::Client client(dir.path() + "/opsd.sock", 1s);
  const auto err = error_of(client.call("enqueue", {{"pad", std::string(2 << 20, 'p')}}));
  CHECK(err.kind == Kind::protocol);
}

TEST_CASE("client times out when the daemon accepts but never answers", "[rpc]") {
  TempDir dir;
  const std::string path = dir.path() + "/opsd.sock";
  FakeDaemon daemon(path, std::nullopt);  // the connection waits in the backlog
  opsd::Client client(path, 100ms);
  const auto start = std::chrono::steady_clock::now();
  const auto err = error_of(client.call("tick", {}));
  CHECK(err.kind == Kind::timeout);
  CHECK(std::chrono::steady_clock::now() - start < 2s);
}

TEST_CASE("call_text passes opsd's framing through and re-serializes any other", "[rpc]") {
  TempDir dir;
  const std::string path = dir.path() + "/opsd.sock";
  {
    // Bytes a parser would change (escapes, number form) come through as sent.
    FakeDaemon d(
        path,
        std::string(R"({"jsonrpc":"2.0","id":{id},"result":{"n":1.50,"s":"\u0041"}})") + "\n");
    auto r = opsd::Client(path, 5s).call_text("status", {});
    REQUIRE(std::holds_alternative<std::string>(r));
    CHECK(std::get<std::string>(r) == R"({"n":1.50,"s":"\u0041"})");
  }
  ::unlink(path.c_str());
  {
    FakeDaemon d(
        path, std::string(R"({"result": {"s": "\u0041"}, "id": {id}, "jsonrpc": "2.0"})") + "\n");
    auto r = opsd::Client(path, 5s).call_text("status", {});
    REQUIRE(std::holds_alternative<std::string>(r));
    CHECK(std::get<std::string>(r) == R"({"s":"A"})");
  }
  ::unlink(path.c_str());
  {
    FakeDaemon d(
        path,
        std::string(
            R"({"jsonrpc":"2.0","id":{id},"error":{"code":1001,"message":"unknown job 'x'"}})") +
            "\n");
    auto r = opsd::Client(path, 5s).call_text("status", {});
    REQUIRE(std::holds_alternative<opsd::ClientError>(r));
    CHECK(std::get<opsd::ClientError>(r).kind == Kind::rpc);
    CHECK(std::get<opsd::ClientError>(r).rpc->code == opsd::Fault::unknown_job);
  }
}

TEST_CASE("reply buffer keeps its bytes across growth and truncates", "[rpc]") {
  opsd::ReplyBuffer b;
  std::string expected;
  for (int round = 0; round < 40; ++round) {  // well past several doublings
    auto [dest, room] = b.space(1000);
    REQUIRE(room >= 1000);
    const std::string chunk(1000, static_cast<char>('a' + round % 26));
    std::memcpy(dest, chunk.data(), chunk.size());
    b.commit(chunk.size());
    expected += chunk;
  }
  CHECK(b.view() == expected);
  b.truncate(5);
  CHECK(b.view() == "aaaaa");
  b.truncate(50);  // never grows
  CHECK(b.view().size() == 5);
}
