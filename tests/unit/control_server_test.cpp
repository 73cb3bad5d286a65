#include "rpc/control_server.hpp"

#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "control_server_fixture.hpp"
#include "rpc/client.hpp"
#include "rpc_test_support.hpp"

using namespace control_server_test;
using opsd::testing::RawConn;

TEST_CASE("server answers a request over the socket", "[rpc]") {
  Served s;
  REQUIRE(s.start());
  opsd::Client client(s.path);
  auto got = client.call("echo", {{"job", "scan"}});
  REQUIRE(std::holds_alternative<json::value>(got));
  const auto& r = std::get<json::value>(got).as_object();
  CHECK(r.at("method") == "echo");
  CHECK(r.at("params").at("job") == "scan");
  CHECK(r.at("uid") == static_cast<std::int64_t>(::geteuid()));
}

TEST_CASE("handler's method_not_found reaches the client and the server keeps serving", "[rpc]") {
  Served s;
  REQUIRE(s.start());
  opsd::Client client(s.path);
  auto bad = client.call("frobnicate", {});
  REQUIRE(std::holds_alternative<opsd::ClientError>(bad));
  const auto& err = std::get<opsd::ClientError>(bad);
  CHECK(err.kind == opsd::ClientError::Kind::rpc);
  REQUIRE(err.rpc);
  CHECK(err.rpc->code == Fault::method_not_found);
  CHECK(std::holds_alternative<json::value>(client.call("echo", {})));
}

TEST_CASE("malformed JSON gets parse_error and the same connection still works", "[rpc]") {
  Served s;
  REQUIRE(s.start());
  RawConn conn(s.path);
  REQUIRE(conn.connected());
  REQUIRE(conn.send_all("{\"jsonrpc\": \"2.0\", oops\n"));
  auto err = reply_of(conn.read_line());
  CHECK(error_code_of(err) == -32700);
  CHECK(err.at("id").is_null());
  CHECK(err.at("error").at("data").at("fault") == "parse_error");
  REQUIRE(conn.send_all(opsd::make_request("echo", {{"n", 1}}, 5)));
  auto ok = reply_of(conn.read_line());
  CHECK(ok.at("id") == 5);
  CHECK(ok.at("result").at("params").at("n") == 1);
}

TEST_CASE("replies keep request order and echo string, number and null ids", "[rpc]") {
  Served s;
  REQUIRE(s.start());
  RawConn conn(s.path);
  REQUIRE(conn.send_all(R"({"jsonrpc":"2.0","id":"a","method":"jitter","params":{"ms":30}})"
                        "\n"
                        R"({"jsonrpc":"2.0","id":2,"method":"echo"})"
                        "\n"
                        R"({"jsonrpc":"2.0","id":null,"method":"nope"})"
                        "\n"));
  CHECK(reply_of(conn.read_line()).at("id") == "a");
  CHECK(reply_of(conn.read_line()).at("id") == 2);
  auto third = reply_of(conn.read_line());
  CHECK(third.at("id").is_null());
  CHECK(error_code_of(third) == -32601);
}

TEST_CASE("notifications are handled but get no reply", "[rpc]") {
  auto calls = std::make_shared<std::atomic<int>>(0);
  Served s({}, [calls](const opsd::Request& req, const opsd::PeerCred& peer) {
    ++*calls;
    return test_handler(req, peer);
  });
  REQUIRE(s.start());
  RawConn conn(s.path);
  REQUIRE(conn.send_all(R"({"jsonrpc":"2.0","method":"echo"})"
                        "\n"
                        R"({"jsonrpc":"2.0","method":"nope"})"
                        "\n" +
                        opsd::make_request("echo", {}, 7)));
  auto reply = reply_of(conn.read_line());
  CHECK(reply.at("id") == 7);
  CHECK(*calls == 3);
}

TEST_CASE("a 2 MiB frame gets invalid_request, then disconnect; others are served", "[rpc]") {
  Served s;
  REQUIRE(s.start());
  RawConn big(s.path);
  std::string frame(2 << 20, 'x');
  frame.back() = '\n';
  big.send_all(frame);  // the server may hang up mid-way
  auto err = reply_of(big.read_line());
  CHECK(error_code_of(err) == -32600);
  CHECK(err.at("error").at("message") == "request exceeds 1 MiB");
  CHECK(big.closed_by_peer());
  opsd::Client client(s.path);
  CHECK(std::holds_alternative<json::value>(client.call("echo", {})));
}

TEST_CASE("half-open clients do not block another client", "[rpc]") {
  Served s;
  REQUIRE(s.start());
  RawConn silent(s.path);
  RawConn partial(s.path);
  REQUIRE(partial.send_all(R"({"jsonrpc":"2.0","id":1,"meth)"));
  REQUIRE(eventually([&] { return s.server.session_count() == 2; }));
  opsd::Client client(s.path, 5s);
  CHECK(std::holds_alternative<json::value>(client.call("echo", {})));
}

TEST_CASE("a partial request that stalls past the timeout is answered and dropped", "[rpc]") {
  opsd::ServerOptions opts;
  opts.request_timeout = 100ms;
  Served s(opts);
  REQUIRE(s.start());
  RawConn partial(s.path);
  REQUIRE(partial.send_all(R"({"jsonrpc":"2.0","id":1,"meth)"));
  auto err = reply_of(partial.read_line());
  CHECK(error_code_of(err) == 1010);
  CHECK(partial.closed_by_peer());
}

TEST_CASE("50 concurrent clients each get their own reply", "[rpc]") {
  Served s;
  REQUIRE(s.start());
  constexpr int kClients = 50;
  std::vector<std::int64_t> got(kClients, -1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      opsd::Client client(s.path, 10s);
      auto r = client.call("jitter", {{"n", i}, {"ms", i % 7}});
      if (auto* v = std::get_if<json::value>(&r)) got[i] = v->at("n").as_int64();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kClients; ++i) CHECK(got[i] == i);
}

TEST_CASE("a handler exception yields internal_error and the session goes on", "[rpc]") {
  Served s;
  REQUIRE(s.start());
  RawConn conn(s.path);
  REQUIRE(conn.send_all(opsd::make_request("throw", {}, 1) + opsd::make_request("echo", {}, 2)));
  auto err = reply_of(conn.read_line());
  CHECK(err.at("id") == 1);
  CHECK(error_code_of(err) == -32603);
  CHECK(reply_of(conn.read_line()).at("id") == 2);
}

TEST_CASE("a handler slower than the request timeout yields a timeout error", "[rpc]") {
  opsd::ServerOptions opts;
  opts.request_timeout = 50ms;
  Served s(opts);
  REQUIRE(s.start());
  RawConn conn(s.path);
  REQUIRE(conn.send_all(opsd::make_request("slow", {}, 1) + opsd::make_request("echo", {}, 2)));
  auto err = reply_of(conn.read_line());
  CHECK(err.at("id") == 1);
  CHECK(error_code_of(err) == 1010);
  CHECK(err.at("error").at("data").at("fault") == "timeout");
  CHECK(reply_of(conn.read_line()).at("id") == 2);
}

TEST_CASE("a client that never reads is dropped when its reply queue is full", "[rpc]") {
  opsd::ServerOptions opts;
  opts.max_queued_replies = 2;
  Served s(opts);
  REQUIRE(s.start());
  RawConn hog(s.path);
  const std::string req = opsd::make_request("echo", {{"pad", std::string(256 * 1024, 'p')}}, 1);
  for (int i = 0; i < 40 && hog.send_all(req); ++i) {
  }
  CHECK(hog.closed_by_peer());
  opsd::Client client(s.path, 5s);
  CHECK(std::holds_alternative<json::value>(client.call("echo", {})));
}

TEST_CASE("socket file is mode 0600 in a created directory of mode 0700", "[rpc]") {
  Served s;
  REQUIRE(s.start());
  struct stat sock {};
  struct stat dir {};
  REQUIRE(::stat(s.path.c_str(), &sock) == 0);
  REQUIRE(::stat((s.dir.path() + "/run").c_str(), &dir) == 0);
  CHECK(S_ISSOCK(sock.st_mode));
  CHECK((sock.st_mode & 07777) == 0600);
  CHECK((dir.st_mode & 07777) == 0700);
}

TEST_CASE("a stale socket file from a crashed daemon is replaced", "[rpc]") {
  Served s;
  REQUIRE(::mkdir((s.dir.path() + "/run").c_str(), 0700) == 0);
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr = opsd::testing::unix_addr(s.path);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  ::close(fd);  // the file stays, nobody listens
  REQUIRE(s.start());
  opsd::Client client(s.path);
  CHECK(std::holds_alternative<json::value>(client.call("echo", {})));
}

TEST_CASE("a live socket is not stolen by a second server", "[rpc]") {
  Served s;
  REQUIRE(s.start());
  asio::io_context io2;
  {
    opsd::ControlServer second(io2, Served::with_path({}, s.path), test_handler);
    opsd::Status st = second.bind();
    REQUIRE_FALSE(st);
    CHECK(st.message() == "another opsd is running on " + s.path);
  }
  opsd::Client client(s.path);
  CHECK(std::holds_alternative<json::value>(client.call("echo", {})));
}

TEST_CASE("a path holding something other than a socket is not replaced", "[rpc]") {
  TempDir dir;
  const std::string path = dir.path() + "/opsd.sock";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fclose(f);
  }
  asio::io_context io;
  opsd::ControlServer server(io, Served::with_path({}, path), test_handler);
  opsd::Status st = server.bind();
  REQUIRE_FALSE(st);
  CHECK(st.message().find("not a socket") != std::string::npos);
  struct stat sb {};
  CHECK(::stat(path.c_str(), &sb) == 0);
}

TEST_CASE("stop closes sessions, removes the socket file and lets the loop finish", "[rpc]") {
  Served s;
  REQUIRE(s.start());
  RawConn idle(s.path);
  REQUIRE(eventually([&] { return s.server.session_count() == 1; }));
  s.on_io([&] { s.server.stop(); });
  s.guard.reset();
  s.thread.join();  // returns only once no coroutine is left
  CHECK(s.server.session_count() == 0);
  CHECK(idle.closed_by_peer());
  struct stat sb {};
  CHECK(::stat(s.path.c_str(), &sb) != 0);
}

TEST_CASE("a caller with another uid is refused with permission_denied", "[rpc]") {
  if (::geteuid() != 0) {
    WARN("not root: cannot connect as another uid; peer_allowed is covered separately");
    CHECK_FALSE(opsd::peer_allowed({1, 65534, 65534}, ::geteuid() == 65534 ? 1 : ::geteuid()));
    return;
  }
  Served s;
  REQUIRE(s.start());
  // Let uid 65534 reach the socket so that only the peer check stands in its way.
  REQUIRE(::chmod(s.dir.path().c_str(), 0755) == 0);
  REQUIRE(::chmod((s.dir.path() + "/run").c_str(), 0755) == 0);
  REQUIRE(::chmod(s.path.c_str(), 0666) == 0);
  const std::string req = opsd::make_request("echo", {}, 1);
  const sockaddr_un addr = opsd::testing::unix_addr(s.path);
  int out[2];
  REQUIRE(::pipe(out) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {  // only async-signal-safe calls from here on
    ::close(out[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) ::_exit(3);
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) {
      if (::write(out[1], buf, static_cast<std::size_t>(n)) != n) ::_exit(4);
    }
    ::_exit(0);
  }
  ::close(out[1]);
  std::string reply;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(out[0], buf, sizeof(buf))) > 0) reply.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  auto err = reply_of(reply.substr(0, reply.find('\n')));
  CHECK(error_code_of(err) == 1009);
  CHECK(err.at("error").at("data").at("fault") == "permission_denied");
  CHECK(s.server.session_count() == 0);
  opsd::Client client(s.path);
  CHECK(std::holds_alternative<json::value>(client.call("echo", {})));
}

TEST_CASE("peer_allowed admits root and the daemon's own uid only", "[rpc]") {
  CHECK(opsd::peer_allowed({10, 0, 0}, 1000));
  CHECK(opsd::peer_allowed({10, 1000, 1000}, 1000));
  CHECK_FALSE(opsd::peer_allowed({10, 1001, 1000}, 1000));
  CHECK_FALSE(opsd::peer_allowed({10, -1, -1}, 1000));
  CHECK(opsd::peer_allowed({10, 0, 0}, 0));
}

TEST_CASE("peer_cred reports this process on a socket pair", "[rpc]") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  auto cred = opsd::peer_cred(fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);
  REQUIRE(cred);
  CHECK(cred->uid == static_cast<std::int64_t>(::geteuid()));
  CHECK(cred->gid == static_cast<std::int64_t>(::getegid()));
#if defined(__linux__)
  CHECK(cred->pid == static_cast<std::int64_t>(::getpid()));
#endif
}
