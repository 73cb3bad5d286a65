#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "cli/ctl_commands.hpp"
#include "rpc/protocol.hpp"
#include "rpc_test_support.hpp"

namespace json = boost::json;
using opsd::testing::TempDir;

namespace {

// Answers one connection per reply, in order ("{id}" = the request's id); records the methods.
class ScriptedDaemon {
 public:
  ScriptedDaemon(const std::string& path, std::vector<std::string> replies)
      : fd_(::socket(AF_UNIX, SOCK_STREAM, 0)) {
    sockaddr_un addr = opsd::testing::unix_addr(path);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    thread_ = std::thread([this, r = std::move(replies)] {
      for (const std::string& reply : r) serve_one(reply);
    });
  }
  ~ScriptedDaemon() {
    thread_.join();
    ::close(fd_);
  }
  std::vector<std::string> methods;
  std::vector<json::object> params;

 private:
  void serve_one(std::string reply) {
    int conn = ::accept(fd_, nullptr, nullptr);
    if (conn < 0) return;
    std::string line;
    char c;
    while (::recv(conn, &c, 1, 0) == 1 && c != '\n') line.push_back(c);
    auto req = opsd::parse_request(line);
    if (req.request) {
      methods.push_back(req.request->method);
      params.push_back(req.request->params);
      reply = R"({"jsonrpc":"2.0","id":)" + json::serialize(req.request->id) + "," + reply + "}\n";
    }
    (void)::send(conn, reply.data(), reply.size(), MSG_NOSIGNAL);
    ::close(conn);
  }

  int fd_;
  std::thread thread_;
};

std::string status_with(const std::string& runs) {
  return R"("result":{"jobs":[{"id":"chk","runs":[)" + runs + "]}]}";
}

struct Ctl {
  TempDir dir;
  std::ostringstream out, err;
  opsd::CtlContext ctx() {
    opsd::Paths p;
    p.socket = dir.path() + "/opsd.sock";
    return opsd::CtlContext{p, false, out, err};
  }
};

}  // namespace

TEST_CASE("run --wait polls until its run ended and exits by its outcome", "[ctl_run]") {
  Ctl c;
  opsd::CtlContext ctx = c.ctx();
  ScriptedDaemon d(
      ctx.paths.socket,
      {R"("result":{"message":"running chk","run":2})",
       status_with(R"({"number":1,"ok":true,"chain":null})"),
       status_with(R"({"number":1,"ok":true},{"number":2,"ok":false,"exitCode":4,)"
                   R"("durationMs":1200,"markers":["ALERT: x"],"outputTail":"broken"})")});
  opsd::RunRequest req;
  req.job = "chk";
  req.wait = true;
  req.run_timeout_seconds = 5;
  CHECK(opsd::ctl_run(ctx, req) == opsd::kExitFailed);
  CHECK(d.methods == std::vector<std::string>{"run", "status", "status"});
  CHECK(d.params[0].at("timeoutSeconds").as_int64() == 5);
  const std::string out = c.out.str();
  CHECK(out.find("chk #2: FAILED (exit 4, 1.2s)") != std::string::npos);
  CHECK(out.find("  ALERT: x\n") != std::string::npos);
  CHECK(out.find("output tail:\nbroken\n") != std::string::npos);
}

TEST_CASE("run --wait on a write waits for its chain; verified passes", "[ctl_run]") {
  Ctl c;
  opsd::CtlContext ctx = c.ctx();
  ScriptedDaemon d(ctx.paths.socket,
                   {R"("result":{"message":"running chk","run":1})",
                    status_with(R"({"number":1,"ok":true,"exitCode":0,"chain":"pending"})"),
                    status_with(R"({"number":1,"ok":true,"exitCode":0,"chain":"verified"})")});
  opsd::RunRequest req;
  req.job = "chk";
  req.wait = true;
  CHECK(opsd::ctl_run(ctx, req) == opsd::kExitOk);
  CHECK(c.out.str().find("passed (exit 0, 0.0s); verification: verified") != std::string::npos);
}

TEST_CASE("a refused run exits 1 without waiting", "[ctl_run]") {
  Ctl c;
  opsd::CtlContext ctx = c.ctx();
  ScriptedDaemon d(ctx.paths.socket,
                   {R"("error":{"code":1006,"message":"ACTION REQUIRED: approve"})"});
  opsd::RunRequest req;
  req.job = "chk";
  req.wait = true;
  CHECK(opsd::ctl_run(ctx, req) == opsd::kExitFailed);
  CHECK(c.err.str().find("ACTION REQUIRED") != std::string::npos);
  CHECK(d.methods.size() == 1);
}

TEST_CASE("run without --wait prints the answer and exits 0", "[ctl_run]") {
  Ctl c;
  opsd::CtlContext ctx = c.ctx();
  ScriptedDaemon d(ctx.paths.socket, {R"("result":{"message":"running chk","run":3})"});
  opsd::RunRequest req;
  req.job = "chk";
  CHECK(opsd::ctl_run(ctx, req) == opsd::kExitOk);
  CHECK(c.out.str() == "running chk\n");
  CHECK_FALSE(d.params[0].contains("timeoutSeconds"));
}
