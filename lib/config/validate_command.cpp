#include "config/validate_command.hpp"

#include <filesystem>
#include <ostream>

namespace opsd {

int run_validate_config(const std::string& config_path, const ConfigContext& ctx, std::ostream& out,
                        std::ostream& err) {
  ConfigLoad load = load_config_file(config_path, ctx);
  if (load.config) {
    for (std::size_t i = 0; i < load.config->jobs.size(); ++i) {
      const Job& job = load.config->jobs[i];
      std::error_code ec;
      if (job.enabled && !std::filesystem::is_directory(job.cwd, ec))
        load.diagnostics.push_back({Diagnostic::Severity::warning,
                                    "jobs[" + std::to_string(i) + "].cwd",
                                    "directory \"" + job.cwd + "\" does not exist"});
    }
  }
  int errors = 0, warnings = 0;
  for (const auto& d : load.diagnostics) {
    (d.severity == Diagnostic::Severity::error ? errors : warnings) += 1;
    err << format_diagnostic(d) << '\n';
  }
  if (!load.ok()) {
    err << config_path << ": " << errors << (errors == 1 ? " error, " : " errors, ") << warnings
        << (warnings == 1 ? " warning" : " warnings") << "; the config is not valid\n";
    return 2;
  }
  out << "OK: " << config_summary(*load.config) << ", config " << load.config->source_path << '\n';
  return 0;
}

}  // namespace opsd
