// opsd's log on stderr, which a service manager sends to the journal.
#pragma once

#include <spdlog/common.h>
#include <spdlog/formatter.h>

#include <memory>
#include <string_view>

#include "config/paths.hpp"

namespace opsd {

struct StderrLogStyle {
  // Lines start with their sd-daemon priority ("<4>") and carry no timestamp (the journal
  // adds its own). On when $JOURNAL_STREAM is set, as systemd does for a unit whose stderr
  // is the journal.
  bool journal = false;
  // ANSI colour for the level name: only on a terminal, never with $NO_COLOR set (non-empty),
  // TERM=dumb or unset, or in journal mode.
  bool colour = false;
};

// The style for a process whose environment is `env` and whose stderr is (or is not) a
// terminal.
StderrLogStyle stderr_log_style(const EnvLookup& env, bool stderr_is_terminal);

// sd-daemon priority of a level: critical 2, error 3, warning 4, info 6, debug and trace 7.
int journal_priority(spdlog::level::level_enum level);

// Formats "<N>level text" (journal; each line of a multi-line text gets the prefix) or
// "2024-01-31T12:00:00.000 level text" (local time; the level coloured when style.colour).
std::unique_ptr<spdlog::formatter> stderr_log_formatter(StderrLogStyle style);

// Makes a logger named `name` that writes to stderr in `style` the default logger, at `level`.
void install_stderr_log(const char* name, spdlog::level::level_enum level, StderrLogStyle style);

// Writes `text` and a newline to stderr for whoever started opsd: as it is, or in journal
// mode (install_stderr_log with style.journal) with the error priority "<3>".
void print_stderr_error(std::string_view text);

// The style for this process: its environment and whether fd 2 is a terminal.
StderrLogStyle stderr_log_style_of_process();

}  // namespace opsd
