// Starting one child process as the leader of its own process group (Boost.Process v2).
// Internal to lib/process: shared by ChildSupervisor and CommandRunner.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
// Boost.Process 1.81 uses these without including them.
#include <boost/optional.hpp>
#include <boost/type_traits.hpp>
//
#include <boost/process/v2/process.hpp>

#include "util/result.hpp"

namespace opsd {

using ChildProcess = boost::process::v2::basic_process<boost::asio::any_io_executor>;

// An owned file descriptor, closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset();

 private:
  int fd_ = -1;
};

// A pipe whose both ends are close-on-exec.
struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};
Result<Pipe> make_pipe();

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] resolved like execvp, after chdir(cwd)
  std::string cwd;                // "" = the daemon's own
  std::vector<std::string> env;   // "K=V"; empty = the daemon's own environment
  int stdout_fd = -1;             // the child's stdout
  int stderr_fd = -1;             // the child's stderr (may equal stdout_fd)
  int stdin_fd = -1;              // the child's stdin; -1 = /dev/null
};

// A child started by spawn_process and not handed over yet. Destroying it SIGKILLs its process
// group and reaps it, so a spawn whose result nobody takes (a closed runner, a handler dropped
// with its io_context) leaves nothing behind.
class SpawnedChild {
 public:
  SpawnedChild() = default;
  SpawnedChild(std::int64_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  SpawnedChild(SpawnedChild&& other) noexcept
      : pid_(std::exchange(other.pid_, -1)), pidfd_(std::move(other.pidfd_)) {}
  SpawnedChild& operator=(SpawnedChild&& other) noexcept;
  ~SpawnedChild() { abandon(); }
  std::int64_t pid() const { return pid_; }  // == its process group; -1 once released
  // Hands the child over: the caller now waits for it (wait_for_exit) and owns its pidfd.
  UniqueFd release();

 private:
  void abandon();
  std::int64_t pid_ = -1;
  UniqueFd pidfd_;  // close-on-exec process descriptor
};

// spawn_in_group without the Boost.Process object: the pid and a pidfd. Safe to call from any
// thread (it reads `environ` only when spec.env is empty; touches no shared state otherwise).
Result<SpawnedChild> spawn_process(const SpawnSpec& spec);

// Starts `spec` (posix_spawn, no copy of the daemon's memory) as the leader of a new process group
// (pgid == pid), with signal dispositions and mask reset to defaults. Returns once exec succeeded.
// Errors (missing executable, bad cwd, exec failure) name argv[0] or the directory; a child that
// failed to exec is reaped before returning. `ex` is kept for callers; the process object is
// bound to a private context (see spawn.cpp): wait for its exit with wait_for_exit, not
// proc.async_wait.
Result<ChildProcess> spawn_in_group(boost::asio::any_io_executor ex, const SpawnSpec& spec);

// A wait(2) status as opsd reports it: the exit status 0..255, or -N when killed by signal N.
int exit_code_from_status(int wait_status);

// Waits for `proc` to exit, reaps it and returns exit_code_from_status; an error when it
// cannot be waited for (already reaped elsewhere). Use it instead of proc.async_wait: Boost
// 1.81 answers a readiness of the process descriptor with a blocking waitpid, and Asio's
// reactor can hand a stale readiness of a just-closed descriptor to a new one that reuses
// its slot, which froze the whole event loop until that child exited. Here a readiness is
// only a hint: the child is reaped with WNOHANG and waited for again while it runs.
// Completes after a post at the earliest, never inline. `proc` must outlive the wait.
boost::asio::awaitable<Result<int>> wait_for_exit(ChildProcess& proc);
// The same for a child known by its pid, watched through `pidfd` (invalid: opened here).
boost::asio::awaitable<Result<int>> wait_for_exit(std::int64_t pid, UniqueFd pidfd);

}  // namespace opsd
