// Where opsd keeps its files (docs/config.md). Pure resolution from flags and an injected
// environment.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace opsd {

// getenv, injectable for tests. An unset variable is nullopt.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Command-line overrides (--state-dir, --config-file, --socket); nullopt = not given.
struct PathOptions {
  std::optional<std::string> state_dir, config_file, socket;
};

// All absolute and lexically normal.
struct Paths {
  std::string state_dir;        // STATE
  std::string config_file;      // STATE/net/config/ops-jobs.json, or --config-file
  std::string state_file;       // STATE/net/state/ops-monitor.json
  std::string socket;           // STATE/net/run/opsd.sock, or --socket
  std::string logs_dir;         // STATE/net/logs (one <job-id>.log each)
  std::string audit_log;        // STATE/net/state/audit.jsonl
  std::string openclaw_config;  // STATE/openclaw.json, or $OPENCLAW_CONFIG_PATH
  std::string home;             // $HOME (or the passwd entry); what `~` expands to
};

// STATE is the first of: flags.state_dir, $OPENCLAW_STATE_DIR, $OPENCLAW_HOME, ~/.openclaw.
// Empty values count as unset; `~` is expanded everywhere; relative paths are made absolute
// against the current directory. Fails only when no home directory can be found and it is
// needed.
Result<Paths> resolve_paths(const PathOptions& flags, const EnvLookup& env);

// The process environment (std::getenv).
EnvLookup process_env();

// "~" -> home, "~/x" -> home/x; anything else (including "~user/x") unchanged.
std::string expand_tilde(std::string_view path, std::string_view home);

// Like expand_tilde, and also "~user" / "~user/x" through the passwd database.
std::string expand_user_path(std::string_view path, std::string_view home);

}  // namespace opsd
