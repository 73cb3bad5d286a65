// opsd: argument parsing; the daemon itself is lib/service/daemon.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "config/paths.hpp"
#include "service/daemon.hpp"
#include "service/hidden_mode.hpp"
#include "service/stderr_log.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  // The hidden modes (the log relay): before anything else is set up.
  if (int code = 0; opsd::run_hidden_mode(argc, argv, code)) return code;
  CLI::App app{
      "opsd - supervisor daemon for long read-only jobs on OpenClaw gateway hosts.\n\n"
      "opsd runs the jobs of ops-jobs.json as its own children, polls each job's status\n"
      "command on timers, detects stalls, resumes crashed read-only jobs from their\n"
      "checkpoints when policy allows, runs one-shot checks, persists everything it knows and\n"
      "sends progress reports and alerts to Telegram (openclaw message send, else the Bot\n"
      "API). Write jobs run only with an approval, on request. Control it with opsctl.",
      "opsd"};
  app.footer(R"(Files (STATE: --state-dir, else $OPENCLAW_STATE_DIR, $OPENCLAW_HOME, ~/.openclaw):
  STATE/net/config/ops-jobs.json   job config (check it: opsctl validate-config)
  STATE/net/state/ops-monitor.json state (same file and layout as ops-monitor.py)
  STATE/net/state/audit.jsonl      approvals, refusals, write runs, verifications
  STATE/net/state/opsd-run.json    crash-loop guard: unclean starts of opsd
  STATE/net/state/last-good-config.json  the last config that loaded: run when the file fails
  STATE/net/run/opsd.sock          control socket (0600; only this uid and root)
  STATE/net/logs/<job>.log         job output, 10 MiB x 3 rotated files
  STATE/openclaw.json              Telegram target and bot token ($OPENCLAW_CONFIG_PATH)

Environment:
  OPENCLAW_STATE_DIR, OPENCLAW_HOME  state directory (see above)
  OPENCLAW_CONFIG_PATH               openclaw.json to read instead of STATE/openclaw.json
  TELEGRAM_BOT_TOKEN                 bot token when openclaw.json has none
  NOTIFY_SOCKET, WATCHDOG_USEC       set by systemd (Type=notify, WatchdogSec=); opsd sends
                                     READY=1, STATUS=, WATCHDOG=1, RELOADING=1, STOPPING=1,
                                     and removes them from its jobs' environment
  Jobs get OPS_JOB_ID and OPS_STATE_DIR.

Signals:
  SIGTERM, SIGINT  stop every owned job (SIGTERM to its process group, SIGKILL after 10 s),
                   save state, exit 0; jobs that were running are resumed (or reported as
                   paused) on the next start
  SIGHUP           reload the config like 'opsctl reload'; a broken config keeps the old one
  SIGUSR2          re-execute the binary opsd was started from, like 'opsctl reexec': same
                   pid, jobs keep running; refused (logged) while a one-shot or write job runs

Config: an edit of the config file applies by itself like 'opsctl reload' (inotify, and a
stat every 5 s; --no-watch-config turns it off). A config that fails to load never stops opsd:
it runs the last good one (STATE/net/state/last-good-config.json), or no jobs, and alerts.

Crash loops: 5 unclean starts (crash, kill -9, watchdog) within 10 minutes turn automatic job
starts off for that run and raise an alert; a clean restart turns them back on.

Logs go to stderr (journald-friendly). Service files: systemd/opsd.service (system),
systemd/opsd-user.service (user), launchd/ai.openclaw.opsd.plist; see README.

Exit status: 0 after SIGTERM/SIGINT, 1 cannot start (socket taken by a running opsd, state dir
unusable or owned by another user, a state file that exists but cannot be read: it is left as
it is), 2 usage error.

Examples:
  opsd --print-only --log-level debug    run in a terminal, print messages instead of sending
  systemctl --user start opsd            start the installed user service)");
  opsd::PathOptions flags;
  std::string state_dir, config_file, socket, log_level = "info";
  opsd::DaemonOptions options;
  bool version = false;
  app.add_option("--state-dir", state_dir,
                 "state directory [OPENCLAW_STATE_DIR, OPENCLAW_HOME, ~/.openclaw]");
  app.add_option("--config-file", config_file, "job config [STATE/net/config/ops-jobs.json]");
  app.add_option("--socket", socket, "control socket [STATE/net/run/opsd.sock]");
  app.add_option("--log-level", log_level, "stderr log level [info]")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_flag("--print-only", options.print_only,
               "send nothing: write every message to stdout instead (demo mode)");
  app.add_option("--target", options.target,
                 "Telegram chat id [notify.target, else from openclaw.json]");
  app.add_option("--ca-file", options.ca_file,
                 "extra CA certificate (PEM) to trust for the Bot API");
  bool no_watch_config = false;
  app.add_flag("--no-watch-config", no_watch_config,
               "do not apply edits of the config by themselves: only 'opsctl reload' does");
  app.add_flag("--version", version, "print the version and exit");
  CLI11_PARSE(app, argc, argv);
  if (version) {
    std::cout << "opsd " << opsd::kVersion << "\n";
    return 0;
  }

  opsd::install_stderr_log("opsd", spdlog::level::from_str(log_level),
                           opsd::stderr_log_style_of_process());

  if (!state_dir.empty()) flags.state_dir = state_dir;
  if (!config_file.empty()) flags.config_file = config_file;
  if (!socket.empty()) flags.socket = socket;
  opsd::Result<opsd::Paths> paths = opsd::resolve_paths(flags, opsd::process_env());
  if (!paths) {
    opsd::print_stderr_error("opsd: " + paths.error().message);
    return 2;
  }
  options.paths = *paths;
  options.watch_config = !no_watch_config;
  options.argv.assign(argv, argv + argc);
  options.binary = opsd::resolve_own_binary(argv[0]);
  return opsd::run_daemon(options);
}
