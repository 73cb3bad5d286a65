// The daemon: one io_context that wires config, state, engine, processes, control socket and
// notifier together (docs/engine.md, docs/control-protocol.md, README.md).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/paths.hpp"
#include "process/command_runner.hpp"
#include "service/delivery_route.hpp"
#include "service/file_watch.hpp"
#include "state/file_system.hpp"
#include "util/clock.hpp"

namespace opsd {

struct DaemonOptions {
  Paths paths;
  bool print_only = false;   // --print-only: write messages to stdout, send nothing
  std::string target;        // --target: Telegram chat id, overrides notify.target
  std::string ca_file;       // --ca-file: extra CA certificate to trust for the Bot API
  bool watch_config = true;  // off with --no-watch-config: edits apply only on 'opsctl reload'
  // `opsctl reexec` / SIGUSR2 (docs/processes.md): the command line to execve() again and the
  // binary on disk to run it from (resolve_own_binary); "" binary: reexec refused.
  std::vector<std::string> argv{};
  std::string binary{};
};

// The binary opsd was started from, resolved now (later an upgrade may replace or delete it):
// $OPSD_REEXEC_BINARY, else realpath of `argv0` when it names a path, else /proc/self/exe;
// "" when none resolves.
std::string resolve_own_binary(const char* argv0);

// What the daemon does its side effects through; each unset one is the real thing. Whatever is
// given must outlive the daemon.
struct DaemonSeams {
  const Clock* clock = nullptr;  // unset: the system clock
  FileSystem* fs = nullptr;      // state file, audit log, run record; unset: real_file_system()
  // Status probes, one-shot runs, commands.stop. Unset: CommandRunner(ex, 8).
  std::function<std::unique_ptr<Runner>(boost::asio::any_io_executor)> runner;
  // The outbox's transports. Unset: real_transport_factory(ex).
  std::function<TransportFactory(boost::asio::any_io_executor)> transports;
  // The watch of the config file. Unset: make_file_watch(ex, path).
  FileWatchFactory file_watch;
};

// Runs until SIGTERM/SIGINT. Returns the process exit code: 0 after a graceful shutdown,
// 1 when it cannot start (socket taken, state dir unusable). A config that fails to load is no
// reason to exit: opsd runs the last good one, or none, and alerts (docs/config.md).
int run_daemon(const DaemonOptions& options);

}  // namespace opsd
