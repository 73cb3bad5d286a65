#include "service/reexec_check.hpp"

#include <boost/json.hpp>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

#include "config/config_loader.hpp"
#include "config/paths.hpp"
#include "service/reexec_handover.hpp"
#include "state/file_system.hpp"
#include "state/state_codec.hpp"
#include "state/state_store.hpp"
#include "version.hpp"

namespace opsd {

namespace {

int refuse(const std::string& why) {
  std::cerr << "opsd --reexec-check: " << why << "\n";
  return 2;
}

int check(const PathOptions& flags) {
  Result<Paths> paths = resolve_paths(flags, process_env());
  if (!paths) return refuse(paths.error().message);
  ConfigContext ctx{paths->state_dir, paths->home,
                    std::filesystem::path(paths->config_file).parent_path().string()};
  ConfigLoad load = load_config_file(paths->config_file, ctx);
  if (!load.ok()) {
    std::string why;
    for (const Diagnostic& d : load.diagnostics)
      if (d.severity != Diagnostic::Severity::warning)
        why += (why.empty() ? "" : "; ") + format_diagnostic(d);
    return refuse("invalid config " + paths->config_file + ": " + why);
  }
  FileSystem& fs = real_file_system();
  if (fs.exists(paths->state_file)) {
    Result<std::string> text =
        fs.read_file(paths->state_file, state_read_cap(load.config->jobs.size()));
    if (!text)
      return refuse("cannot read state " + paths->state_file + ": " + text.error().message);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(*text, ec);
    if (ec) return refuse("state " + paths->state_file + " is not JSON: " + ec.message());
    if (Result<State> s = decode_state(v); !s)
      return refuse("state " + paths->state_file + ": " + s.error().message);
  }
  std::cout << "opsd " << kVersion << "\n";
  return 0;
}

}  // namespace

bool run_reexec_check(int argc, char** argv, int& exit_code) {
  if (argc < 2 || std::string_view(argv[1]) != kReexecCheckFlag) return false;
  PathOptions flags;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string_view key = argv[i];
    if (key == "--state-dir")
      flags.state_dir = argv[i + 1];
    else if (key == "--config-file")
      flags.config_file = argv[i + 1];
  }
  exit_code = check(flags);
  return true;
}

}  // namespace opsd
