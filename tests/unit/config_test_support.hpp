// Shared helpers for the config tests: a small valid config to mutate, and diagnostic lookup.
#pragma once

#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "config/config_loader.hpp"

namespace opsd::testing {

inline ConfigContext test_context() { return {"/state", "/home/op", "/etc/opsd"}; }

// Three valid jobs: jobs[0] long_running_read, jobs[1] one_shot_read, jobs[2] one_shot_write
// verified by jobs[1].
inline boost::json::value valid_config() {
  return boost::json::parse(R"({
    "version": 1,
    "jobs": [
      {"id": "scan", "kind": "long_running_read", "risk": "read_only",
       "commands": {"start": ["scan", "--detach"], "status": ["scan", "--status"]}},
      {"id": "check", "kind": "one_shot_read", "risk": "read_only",
       "commands": {"run": ["check"]}},
      {"id": "push", "kind": "one_shot_write", "risk": "write_external",
       "commands": {"run": ["push"]},
       "after": [{"jobId": "check", "when": "success", "delaySeconds": 5}]}
    ]})");
}

inline boost::json::object& job_at(boost::json::value& config, std::size_t i) {
  return config.at("jobs").as_array().at(i).as_object();
}

inline ConfigLoad load(const boost::json::value& config) {
  return parse_config(boost::json::serialize(config), test_context());
}

// Whether a diagnostic of `severity` exists at exactly `path` whose message contains `text`.
inline bool has(const ConfigLoad& l, Diagnostic::Severity severity, std::string_view path,
                std::string_view text = "") {
  for (const auto& d : l.diagnostics)
    if (d.severity == severity && d.path == path && d.message.find(text) != std::string::npos)
      return true;
  return false;
}

inline bool has_error(const ConfigLoad& l, std::string_view path, std::string_view text = "") {
  return has(l, Diagnostic::Severity::error, path, text);
}

inline bool has_warning(const ConfigLoad& l, std::string_view path, std::string_view text = "") {
  return has(l, Diagnostic::Severity::warning, path, text);
}

inline std::size_t count(const ConfigLoad& l, Diagnostic::Severity severity) {
  std::size_t n = 0;
  for (const auto& d : l.diagnostics) n += d.severity == severity ? 1 : 0;
  return n;
}

// All diagnostics, one per line, for failure messages.
inline std::string dump(const ConfigLoad& l) {
  std::string out;
  for (const auto& d : l.diagnostics) out += format_diagnostic(d) + "\n";
  return out;
}

}  // namespace opsd::testing
