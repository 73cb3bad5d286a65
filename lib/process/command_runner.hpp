// Short commands with a timeout and output caps: status probes, one-shot runs, commands.stop
// (docs/status-contract.md, docs/engine.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "process/command_output.hpp"

namespace opsd {

class Spawner;

struct RunSpec {
  std::vector<std::string> argv;  // no shell; argv[0] found like execvp, relative to cwd
  std::string cwd;                // "" = the daemon's own
  std::vector<std::string> env;   // "K=V" (see child_environment); empty = the daemon's own
  std::chrono::milliseconds timeout{30'000};  // from spawn until stdout and stderr are closed
  std::size_t stdout_cap = 1 << 20;           // bytes of stdout kept; one more is an overflow
  // false: more output than stdout_cap is no overflow; the command runs on and stdout_text
  // keeps its last stdout_cap bytes (one-shot jobs, whose verdict is in their last lines).
  bool kill_on_overflow = true;
  std::string log_path;  // "" = none; else stdout and stderr are also appended here
  // Replaced by "<redacted>" in the log and in the CommandOutput handed back (the bot token).
  std::vector<std::string> secrets;
};

// Runs short commands: the seam the daemon takes (CommandRunner below is the real one; tests
// give it a fake). done() is called exactly once, later, never from within run().
class Runner {
 public:
  virtual ~Runner() = default;
  virtual void run(RunSpec spec, std::function<void(CommandOutput)> done) = 0;
};

// Runs commands to completion, at most `max_concurrent` at once; the rest wait in FIFO order.
// run() and every callback happen on the executor; children are started by a thread of the
// runner's own (Spawner), so the loop does not wait for their exec. Destroying the runner
// SIGKILLs the process groups of running commands, drops queued ones and calls no callback.
class CommandRunner final : public Runner {
 public:
  explicit CommandRunner(boost::asio::any_io_executor ex, std::size_t max_concurrent = 8);
  ~CommandRunner();
  CommandRunner(const CommandRunner&) = delete;
  CommandRunner& operator=(const CommandRunner&) = delete;

  // Runs spec.argv as the leader of its own process group with stdin /dev/null. The command is
  // finished when the leader has exited and its stdout and stderr are closed (grandchildren
  // holding them count, for at most 2 s after the leader's exit; then the rest of the group
  // gets SIGKILL). When the command has ended, every process still in its group gets SIGKILL
  // (background children that closed their output too). On timeout the whole group gets SIGKILL and
  // timed_out is set; stdout past the cap sets overflow and kills the group too. Spawn failures
  // (missing executable, bad cwd) become spawn_error. done() is always called later, never from
  // within run().
  void run(RunSpec spec, std::function<void(CommandOutput)> done) override;

  std::size_t running() const;  // commands started and not yet finished
  std::size_t queued() const;   // commands waiting for a slot

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<Spawner> spawner_;
};

}  // namespace opsd
