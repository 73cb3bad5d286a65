#include "cli/selftest.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "config/config_loader.hpp"
#include "engine/quiet_hours.hpp"
#include "notify/openclaw_config.hpp"
#include "notify/openclaw_transport.hpp"
#include "process/child_env.hpp"
#include "process/command_runner.hpp"
#include "process/status_parser.hpp"
#include "state/atomic_file.hpp"
#include "state/file_system.hpp"

extern char** environ;

namespace opsd {

namespace {

struct Checklist {
  std::ostream& out;
  bool failed = false;
  void ok(const std::string& what) { out << "[ok]   " << what << "\n"; }
  void fail(const std::string& what) {
    out << "[FAIL] " << what << "\n";
    failed = true;
  }
  void warn(const std::string& what) { out << "[warn] " << what << "\n"; }
};

std::optional<std::string> getenv_string(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

void check_config(const Paths& paths, Checklist& c) {
  ConfigContext ctx{paths.state_dir, paths.home,
                    std::filesystem::path(paths.config_file).parent_path().string()};
  ConfigLoad load = load_config_file(paths.config_file, ctx);
  if (load.ok()) {
    c.ok("config " + paths.config_file + ": " + config_summary(*load.config));
    return;
  }
  std::string first;
  for (const auto& d : load.diagnostics)
    if (d.severity == Diagnostic::Severity::error) {
      first = format_diagnostic(d);
      break;
    }
  c.fail("config " + paths.config_file + ": " + first + " (see 'opsctl validate-config')");
}

void check_state_dir(const Paths& paths, Checklist& c) {
  std::string dir = std::filesystem::path(paths.state_file).parent_path().string();
  FileSystem& fs = real_file_system();
  if (Status st = fs.make_dirs(dir, 0700); !st) {
    c.fail("state dir " + dir + " cannot be created: " + st.message());
    return;
  }
  std::string probe = dir + "/.selftest-" + std::to_string(getpid());
  if (Status st = write_file_atomic(fs, probe, "{}\n"); !st) {
    c.fail("state dir " + dir + " is not writable: " + st.message());
    return;
  }
  std::filesystem::remove(probe);
  c.ok("state dir " + dir + " is writable");
}

void check_quiet_hours(Checklist& c) {
  QuietHours night{23 * 60, 8 * 60};
  QuietHours day{9 * 60, 17 * 60};
  QuietHours none{8 * 60, 8 * 60};
  bool good = in_quiet_hours(night, 23 * 60) && in_quiet_hours(night, 2 * 60) &&
              !in_quiet_hours(night, 8 * 60) && in_quiet_hours(day, 12 * 60) &&
              !in_quiet_hours(day, 17 * 60) && !in_quiet_hours(none, 8 * 60);
  if (good)
    c.ok("quiet hours: 23:00-08:00 wraps midnight, start==end means none");
  else
    c.fail("quiet hours logic gives wrong answers");
}

void check_probe(Checklist& c) {
  char tmpl[] = "/tmp/opsd-selftest.XXXXXX";
  if (!mkdtemp(tmpl)) {
    c.fail("status probe: cannot create a temp dir");
    return;
  }
  std::string dir = tmpl;
  std::string script = dir + "/status.sh";
  {
    std::ofstream f(script);
    f << "#!/bin/sh\necho '{\"running\": true, \"completed\": false, \"progress\": "
         "{\"done\": 1, \"total\": 2}}'\n";
  }
  ::chmod(script.c_str(), 0700);
  boost::asio::io_context io;
  CommandRunner runner(io.get_executor(), 1);
  RunSpec spec;
  spec.argv = {script};
  spec.cwd = dir;
  spec.env = child_environment(environ, "selftest", dir);
  spec.timeout = std::chrono::seconds(10);
  ProbeResult result;
  runner.run(spec, [&](const CommandOutput& out) { result = probe_result_from(out); });
  io.run();
  std::filesystem::remove_all(dir);
  if (result.report && result.report->running && !result.report->progress_key.empty())
    c.ok("status probe of a throwaway job: running, progressKey " + result.report->progress_key);
  else
    c.fail("status probe of a throwaway job failed: " + result.error);
}

void check_notifier(const SelftestOptions& o, Checklist& c) {
  Result<boost::json::value> cfg = load_openclaw_json(o.paths.openclaw_config);
  std::optional<boost::json::value> json;
  std::error_code ec;
  if (cfg)
    json = std::move(*cfg);
  else if (std::filesystem::exists(o.paths.openclaw_config, ec))
    // Present but unreadable: the target and token in it are lost to every send.
    c.fail("openclaw config: " + cfg.error().message);
  else
    c.warn("openclaw config: " + cfg.error().message);
  TelegramSettings s = resolve_telegram(json, o.target, getenv_string);
  if (!s.target.empty()) c.ok("telegram target " + s.target + " (from " + s.target_source + ")");
  std::optional<std::string> bin = find_openclaw_binary(getenv_string("PATH").value_or(""));
  if (bin) c.ok("openclaw CLI found: " + *bin);
  if (!s.token.empty()) c.ok("telegram bot token found (from " + s.token_source + ")");
  // resolve_telegram names what is missing (target, token, a bad tokenFile). A missing token
  // matters only without the openclaw CLI, which sends with its own.
  for (const auto& p : s.problems) {
    const bool missing_token = s.token.empty() && p.rfind("no Telegram bot token", 0) == 0;
    if (missing_token && bin) continue;
    c.warn(missing_token ? p + " (and no openclaw CLI: messages cannot be delivered; "
                               "print-only works)"
                         : p);
  }
}

}  // namespace

int run_selftest(const SelftestOptions& options, std::ostream& out) {
  Checklist c{out};
  check_config(options.paths, c);
  check_state_dir(options.paths, c);
  check_quiet_hours(c);
  check_probe(c);
  check_notifier(options, c);
  out << (c.failed ? "selftest: FAILED\n" : "selftest: all required checks passed\n");
  return c.failed ? 1 : 0;
}

}  // namespace opsd
