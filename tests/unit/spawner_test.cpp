// Boost.Process 1.81 uses Asio's throw_error without including it.
#include <boost/asio/detail/throw_error.hpp>
//
#include "process/spawner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "process_test_support.hpp"

using opsd::PipedChild;
using opsd::Result;
using opsd::Spawner;
using opsd::SpawnSpec;
using namespace process_test;

namespace {

SpawnSpec command(std::vector<std::string> argv) {
  SpawnSpec spec;
  spec.argv = std::move(argv);
  return spec;
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, n);
  return out;
}

// Reaps a child handed over by the spawner; its exit status.
int reap(PipedChild& piped) {
  auto pid = static_cast<pid_t>(piped.child.pid());
  piped.child.release();
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return status;
}

}  // namespace

TEST_CASE("a spawned child's output and result arrive on the loop's thread, never inline",
          "[spawner]") {
  boost::asio::io_context io;
  Spawner spawner;
  std::optional<Result<PipedChild>> got;
  std::thread::id called_on;
  spawner.spawn(command({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}), io.get_executor(),
                [&](Result<PipedChild>&& r) {
                  called_on = std::this_thread::get_id();
                  got.emplace(std::move(r));
                });
  CHECK_FALSE(got.has_value());
  REQUIRE(run_until(io, [&] { return got.has_value(); }));
  CHECK(called_on == std::this_thread::get_id());
  REQUIRE(*got);
  PipedChild& piped = got->value();
  CHECK(::getpgid(static_cast<pid_t>(piped.child.pid())) == piped.child.pid());
  // The write ends are closed in the parent: reading to EOF ends when the child is done.
  CHECK(read_all(piped.stdout_read.get()) == "out\n");
  CHECK(read_all(piped.stderr_read.get()) == "err\n");
  int status = reap(piped);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
}

TEST_CASE("a missing executable and a failed exec are reported as errors", "[spawner]") {
  TempDir dir("opsd-spawner");
  std::ofstream(dir.path + "/garbage") << "\x7f"
                                       << "ELF garbage";
  std::filesystem::permissions(dir.path + "/garbage", std::filesystem::perms::owner_all);
  boost::asio::io_context io;
  Spawner spawner;
  std::vector<std::string> errors;
  for (const std::string& exe : {dir.path + "/missing", dir.path + "/garbage"}) {
    spawner.spawn(command({exe}), io.get_executor(), [&](Result<PipedChild>&& r) {
      REQUIRE_FALSE(r);
      errors.push_back(r.error().message);
    });
  }
  REQUIRE(run_until(io, [&] { return errors.size() == 2; }));
  CHECK(errors[0].find(dir.path + "/missing") != std::string::npos);
  CHECK(errors[1].find("Exec format error") != std::string::npos);
  CHECK(no_children_left());
}

TEST_CASE("spawns complete in the order they were requested", "[spawner]") {
  boost::asio::io_context io;
  Spawner spawner;
  std::vector<int> order;
  for (int i = 0; i < 20; ++i) {
    spawner.spawn(command({"/bin/true"}), io.get_executor(), [&order, i](Result<PipedChild>&& r) {
      REQUIRE(r);
      order.push_back(i);
      reap(r.value());
    });
  }
  REQUIRE(run_until(io, [&] { return order.size() == 20; }));
  for (int i = 0; i < 20; ++i) CHECK(order[i] == i);
  CHECK(no_children_left());
}

TEST_CASE("a spawned child whose result is never delivered is killed and reaped", "[spawner]") {
  int called = 0;
  {
    boost::asio::io_context io;
    Spawner spawner;
    for (int i = 0; i < 3; ++i)
      spawner.spawn(command({"/bin/sleep", "30"}), io.get_executor(),
                    [&](Result<PipedChild>&&) { ++called; });
    // The spawner finishes the spawn in progress and drops the rest; the io_context, never
    // run, then drops the posted results with the children they hold.
  }
  CHECK(called == 0);
  CHECK(no_children_left());
}

TEST_CASE("a result handed over keeps its child running", "[spawner]") {
  boost::asio::io_context io;
  Spawner spawner;
  std::optional<PipedChild> got;
  spawner.spawn(command({"/bin/sleep", "30"}), io.get_executor(), [&](Result<PipedChild>&& r) {
    REQUIRE(r);
    PipedChild& piped = r.value();
    got.emplace(std::move(piped));
  });
  REQUIRE(run_until(io, [&] { return got.has_value(); }));
  auto pid = got->child.pid();
  opsd::UniqueFd pidfd = got->child.release();
  got.reset();
  CHECK(process_alive(pid));
  CHECK(pidfd.get() >= 0);
  ::kill(static_cast<pid_t>(-pid), SIGKILL);
  CHECK(::waitpid(static_cast<pid_t>(pid), nullptr, 0) == pid);
}
