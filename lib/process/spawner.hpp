// Starting children off the event loop. glibc's posix_spawn returns only once the child has
// exec'ed (CLONE_VFORK), ~0.1 ms for a small binary; with probes by the thousand that wait,
// plus the pipes, path lookups and descriptor work around it, was the loop's largest cost.
// Internal to lib/process (CommandRunner).
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "process/spawn.hpp"

namespace opsd {

// A started child with the read ends of its stdout and stderr pipes (close-on-exec; the
// write ends are closed, so EOF comes once the child's group stops writing).
struct PipedChild {
  SpawnedChild child;
  UniqueFd stdout_read;
  UniqueFd stderr_read;
};

// One thread that spawns children in FIFO order and posts each result to the caller's
// executor. The thread touches only what a request carries (moved in, read-only there) and
// the posted completion; it has every signal blocked, and children still start with default
// dispositions and an empty mask (spawn_process). The executors' contexts must outlive the
// Spawner. Without a thread (it could not be started) spawns happen within spawn(), results
// are still posted.
class Spawner {
 public:
  using Done = std::function<void(Result<PipedChild>)>;

  Spawner();
  // Waits for the spawn in progress (its result is still posted); drops queued requests
  // without calling them.
  ~Spawner();
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  // Starts `spec` with its stdout and stderr on two fresh pipes (spec.stdout_fd and
  // spec.stderr_fd are ignored) and stdin /dev/null. spec.env empty is filled from `environ`
  // here, on the caller's thread. done(result) runs on `ex`, never within spawn(); a failure
  // to start (pipes, missing executable, bad cwd, exec failure) is an Error. Until it runs,
  // `ex`'s context has outstanding work.
  void spawn(SpawnSpec spec, boost::asio::any_io_executor ex, Done done);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace opsd
