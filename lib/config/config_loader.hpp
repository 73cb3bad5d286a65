// Loading and validating ops-jobs.json (version 1; docs/config.md, docs/write-jobs.md). Every
// config the original tool accepted loads with the same meaning; what it accepted but makes no
// sense is a warning.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostic.hpp"
#include "util/result.hpp"

namespace opsd {

// Where relative things in a config point.
struct ConfigContext {
  std::string state_dir;   // STATE (docs/config.md): the cwd of a job without `cwd`
  std::string home;        // what `~` in `cwd` expands to
  std::string config_dir;  // relative `cwd` values are resolved against it
};

struct ConfigLoad {
  std::optional<Config> config;  // set exactly when there are no errors
  std::vector<Diagnostic> diagnostics;
  bool ok() const {
    for (const auto& d : diagnostics)
      if (d.severity == Diagnostic::Severity::error) return false;
    return config.has_value();
  }
};

// Parses and validates a whole config, collecting every error and warning in one pass.
ConfigLoad parse_config(std::string_view json_text, const ConfigContext& ctx);

// Reads `path` and parses it. A missing or unreadable file is one error naming the file.
// An empty ctx.config_dir means the directory that holds `path`. Sets Config::source_path.
// `text`, when given, receives the bytes that were parsed (unchanged when the file was not read).
ConfigLoad load_config_file(const std::string& path, const ConfigContext& ctx,
                            std::string* text = nullptr);

// "error: jobs[3].commands.status: must be a non-empty array of strings"
std::string format_diagnostic(const Diagnostic& d);

// "3 jobs (1 long, 1 read, 1 write)"
std::string config_summary(const Config& c);

// Both "HH:MM" (00:00-23:59, surrounding spaces allowed) or an Error naming the bad one.
Result<QuietHours> parse_quiet_hours(std::string_view start, std::string_view end);

}  // namespace opsd
