#include "cli/legacy_options.hpp"

#include <filesystem>

namespace opsd {

std::optional<std::string> state_dir_of_state_file(std::string_view state_file) {
  const std::filesystem::path f = std::filesystem::path(state_file).lexically_normal();
  const std::filesystem::path state = f.parent_path();
  const std::filesystem::path net = state.parent_path();
  if (f.filename() != "ops-monitor.json" || state.filename() != "state" || net.filename() != "net")
    return std::nullopt;
  const std::filesystem::path dir = net.parent_path();
  return dir.empty() ? std::string(".") : dir.string();
}

std::string state_file_note(std::string_view state_file) {
  return "opsctl: note: --state-file " + std::string(state_file) +
         " is not used: opsd keeps its state in STATE/net/state/ops-monitor.json (choose STATE "
         "with --state-dir; copy the original's file there to keep its state)";
}

std::string tick_target_note(std::string_view target) {
  return "opsctl: note: tick --target " + std::string(target) +
         " is not used: opsd sends every message to its own target (opsd --target, notify.target "
         "in ops-jobs.json, else openclaw.json); tick --print-only shows the message instead";
}

}  // namespace opsd
