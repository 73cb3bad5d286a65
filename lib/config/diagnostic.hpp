// Config diagnostics: errors and warnings, each tied to a JSON path (docs/config.md,
// validate-config).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace opsd {

struct Diagnostic {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  std::string path;     // JSON path like "jobs[3].commands.status"; "" = the whole file
  std::string message;  // what was wrong and what was expected
};

// Collects diagnostics in the order they are found; a loader reports everything in one pass.
class Diagnostics {
 public:
  void error(std::string path, std::string message) {
    items_.push_back({Diagnostic::Severity::error, std::move(path), std::move(message)});
  }
  void warning(std::string path, std::string message) {
    items_.push_back({Diagnostic::Severity::warning, std::move(path), std::move(message)});
  }
  bool has_errors() const {
    for (const auto& d : items_)
      if (d.severity == Diagnostic::Severity::error) return true;
    return false;
  }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic> take() { return std::move(items_); }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace opsd
