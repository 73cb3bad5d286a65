#include "process/adopted_wait.hpp"

#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "process/spawn.hpp"

namespace opsd {

namespace {

// The process `id` named is gone: exited (zombie) or its pid names another process now.
bool gone(const ProcessIdentity& id) {
  std::optional<ProcessIdentity> now = read_process_identity(id.pid);
  return !now || !id.same_as(*now) || now->zombie;
}

}  // namespace

boost::asio::awaitable<std::optional<int>> wait_for_adopted_exit(ProcessIdentity id) {
  namespace asio = boost::asio;
  constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
  constexpr auto kPollInterval = std::chrono::milliseconds(100);
  const auto pid = static_cast<pid_t>(id.pid);
  auto ex = co_await asio::this_coro::executor;
  co_await asio::post(ex, asio::use_awaitable);
  if (pid <= 0) co_return std::nullopt;
  asio::posix::stream_descriptor pidfd(ex);
#if defined(__linux__) && defined(SYS_pidfd_open)
  UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (fd.get() >= 0) {
    boost::system::error_code ec;
    pidfd.assign(fd.get(), ec);
    if (!ec) fd.release();
  }
#endif
  asio::steady_timer poll(ex);
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) co_return exit_code_from_status(status);
    if (r < 0 && errno == EINTR) continue;
    // Not our child (ECHILD): only /proc can tell whether it still runs.
    if (r < 0 && gone(id)) co_return std::nullopt;
    if (pidfd.is_open()) {
      auto [ec] = co_await pidfd.async_wait(asio::posix::descriptor_base::wait_read, kTuple);
      if (ec == asio::error::operation_aborted) co_return std::nullopt;
      if (ec) pidfd.close();  // polled from now on
      // A readable pidfd of a process that is not our child stays readable: once it says so,
      // the next round sees the zombie or the missing process.
    } else {
      poll.expires_after(kPollInterval);
      auto [ec] = co_await poll.async_wait(kTuple);
      if (ec == asio::error::operation_aborted) co_return std::nullopt;
    }
  }
}

}  // namespace opsd
