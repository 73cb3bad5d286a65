// The daemon: one io_context that wires config, state, engine, processes, control socket and
// notifier together (docs/engine.md, docs/control-protocol.md, README.md).
#pragma once

#include <string>

#include "config/paths.hpp"

namespace opsd {

struct DaemonOptions {
  Paths paths;
  bool print_only = false;  // --print-only: write messages to stdout, send nothing
  std::string target;       // --target: Telegram chat id, overrides notify.target
  std::string ca_file;      // --ca-file: extra CA certificate to trust for the Bot API
};

// Runs until SIGTERM/SIGINT. Returns the process exit code: 0 after a graceful shutdown,
// 1 when it cannot start (socket taken, state dir unusable), 2 for a config error.
int run_daemon(const DaemonOptions& options);

}  // namespace opsd
