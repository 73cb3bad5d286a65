#include "process/adopted_wait.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "process_test_support.hpp"

using namespace process_test;

namespace {

// A `sleep 30` that is not this process's child (double fork: its parent exits at once).
long orphan_sleep() {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t mid = ::fork();
  REQUIRE(mid >= 0);
  if (mid == 0) {
    pid_t grand = ::fork();
    if (grand == 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      ::execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    (void)!::write(fds[1], &grand, sizeof grand);
    ::_exit(0);
  }
  ::close(fds[1]);
  pid_t grand = -1;
  REQUIRE(::read(fds[0], &grand, sizeof grand) == static_cast<ssize_t>(sizeof grand));
  ::close(fds[0]);
  ::waitpid(mid, nullptr, 0);
  return grand;
}

}  // namespace

TEST_CASE("the exit of a process that is not our child is seen, its code unknown",
          "[process][adopt]") {
  const long pid = orphan_sleep();
  REQUIRE(pid > 0);
  // Its start time is its fork's: the same before and after its exec.
  std::optional<opsd::ProcessIdentity> id = opsd::read_process_identity(pid);
  REQUIRE(id);
  boost::asio::io_context io;
  std::optional<std::optional<int>> code;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> { code = co_await opsd::wait_for_adopted_exit(*id); },
      boost::asio::detached);
  io.run_for(std::chrono::milliseconds(50));
  CHECK_FALSE(code.has_value());
  REQUIRE(::kill(static_cast<pid_t>(pid), SIGKILL) == 0);
  REQUIRE(run_until(
      io, [&] { return code.has_value(); }, std::chrono::seconds(20)));
  CHECK_FALSE(code->has_value());
}

TEST_CASE("a recorded identity whose pid names another process counts as exited",
          "[process][adopt]") {
  auto self = opsd::read_process_identity(::getpid());
  REQUIRE(self);
  self->start_ticks += 1;  // same pid, other start time: not the process that was recorded
  boost::asio::io_context io;
  std::optional<std::optional<int>> code;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> { code = co_await opsd::wait_for_adopted_exit(*self); },
      boost::asio::detached);
  REQUIRE(run_until(
      io, [&] { return code.has_value(); }, std::chrono::seconds(20)));
  CHECK_FALSE(code->has_value());
}
