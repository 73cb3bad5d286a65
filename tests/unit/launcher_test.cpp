#include "process/launcher.hpp"

#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "process/child_env.hpp"
#include "process_test_support.hpp"

extern "C" char** environ;  // NOLINT: POSIX

using namespace std::chrono_literals;
using opsd::ChildSupervisor;
using opsd::LaunchSpec;

namespace {

using namespace process_test;

LaunchSpec job(const TempDir& dir, const std::string& id, const std::string& script) {
  LaunchSpec spec;
  spec.job_id = id;
  spec.argv = {"sh", "-c", script};
  spec.cwd = dir.path;
  spec.env = opsd::child_environment(environ, id, dir.path);
  spec.log_path = dir.path + "/logs/" + id + ".log";
  return spec;
}

}  // namespace

TEST_CASE("launched child logs stdout and stderr and reports its exit code", "[process]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  auto spec = job(dir, "scan", "echo \"out $OPS_JOB_ID\"; echo err >&2; exit 7");
  std::optional<int> code;
  auto pid = sup.launch(spec, [&](int c) { code = c; });
  REQUIRE(pid);
  CHECK(*pid > 0);
  REQUIRE(run_until(io, [&] { return code.has_value(); }));
  CHECK(*code == 7);
  CHECK_FALSE(sup.owns("scan"));
  CHECK(sup.count() == 0);
  REQUIRE(run_until(io, [&] { return slurp(spec.log_path).find("err\n") != std::string::npos; }));
  CHECK(slurp(spec.log_path).find("out scan\n") != std::string::npos);
  CHECK(no_children_left());
}

TEST_CASE("a running child is owned by its job until it exits", "[process]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  std::optional<int> code;
  auto pid = sup.launch(job(dir, "j", "read line; exit 0"), [&](int c) { code = c; });
  REQUIRE(pid);  // stdin is /dev/null: `read` hits EOF and the child exits
  CHECK(sup.owns("j"));
  CHECK(sup.pid_of("j") == *pid);
  CHECK(sup.count() == 1);
  CHECK_FALSE(sup.pid_of("other"));
  REQUIRE(run_until(io, [&] { return code.has_value(); }));
  CHECK(*code == 0);
  CHECK_FALSE(sup.pid_of("j"));
}

TEST_CASE("a job cannot own two children at once", "[process]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  std::optional<int> code;
  REQUIRE(sup.launch(job(dir, "j", "exec sleep 30"), [&](int c) { code = c; }));
  auto second = sup.launch(job(dir, "j", "exit 0"), [](int) {});
  REQUIRE_FALSE(second);
  CHECK(second.error().message.find("already has a running child") != std::string::npos);
  REQUIRE(sup.signal_group("j", SIGKILL));
  REQUIRE(run_until(io, [&] { return code.has_value(); }));
  CHECK(*code == -SIGKILL);
}

TEST_CASE("launch reports a spawn failure and owns nothing", "[process]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  LaunchSpec spec = job(dir, "j", "exit 0");
  spec.argv = {"./missing-start.sh"};
  bool called = false;
  auto r = sup.launch(spec, [&](int) { called = true; });
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("`./missing-start.sh`") != std::string::npos);
  CHECK_FALSE(sup.owns("j"));
  io.run_for(50ms);
  CHECK_FALSE(called);
}

TEST_CASE("signal_group kills the child and the grandchild it spawned", "[process]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  std::optional<int> code;
  auto spec = job(dir, "j", "sleep 30 & echo $! > grandchild.pid; wait");
  REQUIRE(sup.launch(spec, [&](int c) { code = c; }));
  std::string pid_file = dir.path + "/grandchild.pid";
  REQUIRE(run_until(io, [&] { return slurp(pid_file).find('\n') != std::string::npos; }));
  long grandchild = std::stol(slurp(pid_file));
  REQUIRE(process_alive(grandchild));
  REQUIRE(sup.signal_group("j", SIGTERM));
  REQUIRE(run_until(io, [&] { return code.has_value(); }));
  CHECK(*code == -SIGTERM);
  CHECK(gone_within(grandchild, 1s));
  CHECK_FALSE(sup.signal_group("j", SIGTERM));  // no longer owned
  CHECK(no_children_left());
}

TEST_CASE("terminate_all finishes early when children obey SIGTERM", "[process]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  std::vector<int> codes;
  for (const char* id : {"a", "b"}) {
    REQUIRE(sup.launch(job(dir, id, "exec sleep 30"), [&](int c) { codes.push_back(c); }));
  }
  bool done = false;
  sup.terminate_all(10s, [&] { done = true; });
  REQUIRE(run_until(
      io, [&] { return done; }, 8s));  // before the 10 s grace (relays are slow under ASan)
  CHECK(codes == std::vector<int>{-SIGTERM, -SIGTERM});
  CHECK(sup.count() == 0);
}

TEST_CASE("terminate_all escalates to SIGKILL for a child that ignores SIGTERM", "[process]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  std::optional<int> code;
  auto spec = job(dir, "stubborn", "trap '' TERM; echo ready; exec sleep 30");
  REQUIRE(sup.launch(spec, [&](int c) { code = c; }));
  REQUIRE(run_until(io, [&] { return slurp(spec.log_path) == "ready\n"; }));
  bool done = false;
  sup.terminate_all(200ms, [&] { done = true; });
  io.restart();
  io.run_for(100ms);
  CHECK_FALSE(code);  // SIGTERM was ignored
  REQUIRE(run_until(
      io, [&] { return done; }, 1500ms));
  REQUIRE(code);
  CHECK(*code == -SIGKILL);
  CHECK(no_children_left());
}

TEST_CASE("terminate_all with no children calls back at once", "[process]") {
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  bool done = false;
  sup.terminate_all(10s, [&] { done = true; });
  CHECK_FALSE(done);  // never from within the call
  CHECK(run_until(
      io, [&] { return done; }, 500ms));
}

TEST_CASE("destroying the supervisor kills its children without calling back", "[process]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  bool called = false;
  std::int64_t pid = 0;
  {
    ChildSupervisor sup(io.get_executor());
    auto r = sup.launch(job(dir, "j", "exec sleep 30"), [&](int) { called = true; });
    REQUIRE(r);
    pid = *r;
  }
  run_until(
      io, [&] { return !process_alive(pid) && no_children_left(); }, 1s);
  CHECK_FALSE(called);
  CHECK_FALSE(process_alive(pid));
}

TEST_CASE("signal_pid signals a known pid and rejects a bad one", "[process]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  std::optional<int> code;
  auto pid = sup.launch(job(dir, "detached", "exec sleep 30"), [&](int c) { code = c; });
  REQUIRE(pid);
  CHECK(opsd::signal_pid(*pid, 0));
  CHECK_FALSE(opsd::signal_pid(0, SIGTERM));
  CHECK_FALSE(opsd::signal_pid(-1, SIGTERM));
  REQUIRE(opsd::signal_pid(*pid, SIGTERM));
  REQUIRE(run_until(io, [&] { return code.has_value(); }));
  CHECK(*code == -SIGTERM);
}

TEST_CASE("on_exit runs once the child's last output is in its log", "[process]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  // Much output just before the exit: it is still in the pipe when the child is gone.
  auto spec = job(dir, "scan",
                  "i=0; while [ $i -lt 2000 ]; do echo line $i; i=$((i+1)); done; "
                  "echo last words; kill -9 $$");
  std::optional<std::string> log_at_exit;
  std::optional<int> code;
  REQUIRE(sup.launch(spec, [&](int c) {
    code = c;
    log_at_exit = slurp(spec.log_path);
  }));
  REQUIRE(run_until(io, [&] { return code.has_value(); }));
  CHECK(*code == -SIGKILL);
  CHECK(log_at_exit->find("last words\n") != std::string::npos);
}

TEST_CASE("a job's log is written by a relay of its own group, secrets redacted",
          "[process][relay]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  auto spec = job(dir, "scan", "echo token=tok-123; sleep 30");
  spec.secrets = {"tok-123"};
  auto pid = sup.launch(spec, [](int) {});
  REQUIRE(pid);
  auto relay = sup.relay_of("scan");
  REQUIRE(relay);
  CHECK(relay->pid != *pid);
  CHECK(relay->pgid == relay->pid);  // a group of its own: a signal to the job's group spares it
  REQUIRE(run_until(io, [&] { return slurp(spec.log_path) == "token=<redacted>\n"; }));
  REQUIRE(sup.signal_group("scan", SIGKILL));
  REQUIRE(run_until(io, [&] { return !sup.owns("scan") && !process_alive(relay->pid); }));
}

TEST_CASE("an adopted child is watched to its exit and its relay's end", "[process][adopt]") {
  TempDir dir("opsd-launch");
  boost::asio::io_context io;
  ChildSupervisor sup(io.get_executor());
  // A child of this process that the supervisor did not start, in a group of its own;
  // posix_spawn returns after the exec (no forked copy of this test left to signal).
  posix_spawnattr_t attr;
  REQUIRE(::posix_spawnattr_init(&attr) == 0);
  REQUIRE(::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP) == 0);
  REQUIRE(::posix_spawnattr_setpgroup(&attr, 0) == 0);
  pid_t pid = -1;
  char sleep_bin[] = "/bin/sleep";
  char thirty[] = "30";
  char* argv[] = {sleep_bin, thirty, nullptr};
  REQUIRE(::posix_spawn(&pid, sleep_bin, nullptr, &attr, argv, environ) == 0);
  ::posix_spawnattr_destroy(&attr);
  auto id = opsd::read_process_identity(pid);
  REQUIRE(id);
  std::optional<std::optional<int>> code;
  REQUIRE(sup.adopt("j", *id, std::nullopt, [&](std::optional<int> c) { code = c; }));
  CHECK(sup.owns("j"));
  CHECK_FALSE(sup.adopt("j", *id, std::nullopt, [](std::optional<int>) {}));
  REQUIRE(sup.signal_group("j", SIGTERM));
  REQUIRE(run_until(
      io, [&] { return code.has_value(); }, 5s));
  // Still this process's child (as after an execve): its code is known.
  REQUIRE(code->has_value());
  CHECK(**code == -SIGTERM);
  CHECK_FALSE(sup.owns("j"));
  CHECK(no_children_left());
}
