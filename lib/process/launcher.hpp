// Owned long-running children: a job's `commands.start` (docs/engine.md start/stop, docs/config.md
// environment).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "process/process_identity.hpp"
#include "util/result.hpp"

namespace opsd {

struct LaunchSpec {
  std::string job_id;
  std::vector<std::string> argv;     // no shell; argv[0] found like execvp, relative to cwd
  std::string cwd;                   // "" = the daemon's own
  std::vector<std::string> env;      // "K=V" (see child_environment); empty = the daemon's own
  std::string log_path;              // stdout+stderr go here (LogWriter); "" = discarded
  std::vector<std::string> secrets;  // replaced by "<redacted>" in the log (the bot token)
  // The binary whose hidden --log-relay mode writes the log (process/log_relay.hpp), started in
  // a process group of its own so that the job's output outlives opsd; "" = opsd reads the pipe
  // itself (output then dies with opsd). Default: the running image.
  std::string relay_binary = "/proc/self/exe";
};

// Starts and watches the children opsd owns, one per job at most. Single-threaded: every
// method and callback runs on the executor given at construction. Destroying the supervisor
// SIGKILLs the process groups of children still owned and calls no further callbacks.
class ChildSupervisor {
 public:
  explicit ChildSupervisor(boost::asio::any_io_executor ex);
  ~ChildSupervisor();
  ChildSupervisor(const ChildSupervisor&) = delete;
  ChildSupervisor& operator=(const ChildSupervisor&) = delete;

  // Starts spec.argv as the leader of its own process group, stdin /dev/null, stdout and
  // stderr through one pipe into the job's log, read by a log relay (spec.relay_binary; when it
  // cannot start, by this process, asynchronously; the log's size cap bounds the disk used).
  // Returns the pid (== pgid). on_exit(code) runs exactly once, on the executor, once the child
  // has exited (pidfd) and its output is in the log (the relay's exit or the pipe's end, or at
  // most 1 s after the exit): code 0..255, or -N when killed by signal N; the job is no longer
  // owned when it runs. Output of grandchildren that keep the pipe open is still logged after
  // that. Errors: job already owned, spawn failure.
  Result<std::int64_t> launch(const LaunchSpec& spec, std::function<void(int exit_code)> on_exit);

  // Owns a job's process this supervisor did not launch (a previous opsd's, or this process's
  // before an execve), and its log relay if known. The caller has checked both identities
  // (still_same_process). on_exit(code) as for launch, with nullopt when the exit code is
  // unknown (the process was not this one's child); it waits for the relay's exit, at most 1 s.
  // Error: job already owned.
  Status adopt(const std::string& job_id, const ProcessIdentity& job,
               std::optional<ProcessIdentity> relay,
               std::function<void(std::optional<int> exit_code)> on_exit);

  // The log relay of the job's owned child (nullopt: none, or this process reads the pipe).
  std::optional<ProcessIdentity> relay_of(const std::string& job_id) const;

  bool owns(const std::string& job_id) const;
  std::optional<std::int64_t> pid_of(const std::string& job_id) const;

  // kill(-pgid, sig) for the job's owned child. Error when the job owns no child.
  Status signal_group(const std::string& job_id, int sig);

  // SIGTERM to every owned process group; after `grace`, SIGKILL to those groups; done() runs
  // on the executor once every owned child has exited and its on_exit has run (early when all
  // exit within grace).
  void terminate_all(std::chrono::milliseconds grace, std::function<void()> done);

  std::size_t count() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

// kill(pid, sig) for a detached job known only by the pid its status reports.
Status signal_pid(std::int64_t pid, int sig);

}  // namespace opsd
