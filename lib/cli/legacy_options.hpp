// The original tool's (ops-monitor.py 0.1.0) command-line words that opsctl accepts: the same
// meaning where it carries over to a daemon, else accepted with a note on stderr (never a usage
// error), so scripts written for the original keep working.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace opsd {

// `--state-file F` (global, and on `status`): when F is STATE/net/state/ops-monitor.json, the
// STATE it names (the same file opsd uses); nullopt for any other path.
std::optional<std::string> state_dir_of_state_file(std::string_view state_file);

// The note for `--state-file F` when F is not STATE/net/state/ops-monitor.json.
std::string state_file_note(std::string_view state_file);
// The note for `tick --target T`: opsd sends to its own target.
std::string tick_target_note(std::string_view target);

}  // namespace opsd
