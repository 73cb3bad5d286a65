// opsd: argument parsing; the daemon itself is lib/service/daemon.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "config/paths.hpp"
#include "service/daemon.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "opsd: supervisor daemon for long read-only jobs. It runs the jobs of ops-jobs.json, polls\n"
      "their status commands, detects stalls, resumes crashed read-only jobs, persists its\n"
      "state and sends reports and alerts to Telegram. Control it with opsctl.",
      "opsd"};
  opsd::PathOptions flags;
  std::string state_dir, config_file, socket, log_level = "info";
  opsd::DaemonOptions options;
  bool version = false;
  app.add_option("--state-dir", state_dir,
                 "state directory [OPENCLAW_STATE_DIR, OPENCLAW_HOME, ~/.openclaw]");
  app.add_option("--config-file", config_file, "job config [STATE/net/config/ops-jobs.json]");
  app.add_option("--socket", socket, "control socket [STATE/net/run/opsd.sock]");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|critical|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_flag("--print-only", options.print_only,
               "send nothing: write every message to stdout (demo mode)");
  app.add_option("--target", options.target, "Telegram chat id (overrides notify.target)");
  app.add_option("--ca-file", options.ca_file, "extra CA certificate to trust for the Bot API");
  app.add_flag("--version", version, "print the version and exit");
  CLI11_PARSE(app, argc, argv);
  if (version) {
    std::cout << "opsd " << opsd::kVersion << "\n";
    return 0;
  }

  auto logger = spdlog::stderr_color_mt("opsd");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  if (!state_dir.empty()) flags.state_dir = state_dir;
  if (!config_file.empty()) flags.config_file = config_file;
  if (!socket.empty()) flags.socket = socket;
  opsd::Result<opsd::Paths> paths = opsd::resolve_paths(flags, opsd::process_env());
  if (!paths) {
    std::cerr << "opsd: " << paths.error().message << "\n";
    return 2;
  }
  options.paths = *paths;
  return opsd::run_daemon(options);
}
