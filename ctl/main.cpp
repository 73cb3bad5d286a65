// opsctl: argument parsing; every command is in lib/cli.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>

#include "cli/ctl_commands.hpp"
#include "cli/legacy_options.hpp"
#include "cli/selftest.hpp"
#include "cli/terminal_width.hpp"
#include "config/paths.hpp"
#include "config/validate_command.hpp"
#include "rpc/client.hpp"
#include "state/state.hpp"
#include "util/time_format.hpp"
#include "version.hpp"

namespace {

namespace json = boost::json;

opsd::Result<opsd::Paths> paths_from(const std::string& state_dir, const std::string& config_file,
                                     const std::string& socket) {
  opsd::PathOptions flags;
  if (!state_dir.empty()) flags.state_dir = state_dir;
  if (!config_file.empty()) flags.config_file = config_file;
  if (!socket.empty()) flags.socket = socket;
  return opsd::resolve_paths(flags, opsd::process_env());
}

// `opsctl version`: opsctl's version, then the running opsd's (or why there is none). Exit 0
// whether or not opsd runs; 1 when opsd answers with an error.
int print_versions(const opsd::Paths& paths, bool json_out) {
  opsd::Client client(paths.socket, std::chrono::seconds(5));
  auto reply = client.call("version", {});
  const auto* result = std::get_if<json::value>(&reply);
  const auto* error = std::get_if<opsd::ClientError>(&reply);
  if (json_out) {
    json::object o{{"opsctl", opsd::kVersion}, {"socket", paths.socket}};
    o["opsd"] = result ? *result : json::value(nullptr);
    if (error) o["error"] = error->message;
    std::cout << json::serialize(o) << "\n";
  } else {
    std::cout << "opsctl " << opsd::kVersion << "\n";
    const json::object* r = result ? result->if_object() : nullptr;
    if (r && r->contains("version")) {
      std::cout << "opsd " << json::value_to<std::string>(r->at("version"));
      if (r->contains("pid")) std::cout << " (pid " << json::serialize(r->at("pid")) << ")";
      std::cout << " at " << paths.socket << "\n";
    } else if (error) {
      std::cout << "opsd not reachable at " << paths.socket << "\n";
    }
  }
  return error && error->kind == opsd::ClientError::Kind::rpc ? opsd::kExitFailed : opsd::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "opsctl - control opsd, the job supervisor (RPCs over its Unix socket).\n"
      "validate-config, selftest, audit and version also work without a running opsd.",
      "opsctl"};
  app.footer(R"(Global options go before or after the command; `opsctl COMMAND --help` shows a
command's own options. STATE: --state-dir, else $OPENCLAW_STATE_DIR, $OPENCLAW_HOME,
~/.openclaw. Job ids are those of STATE/net/config/ops-jobs.json.

Examples:
  opsctl status                       table of jobs, queue and outbox
  opsctl status --json                the documented JSON schema (for scripts)
  opsctl start scan-photos            start a long job; opsd owns and watches it
  opsctl logs scan-photos -f          follow its output
  opsctl approve cleanup --ttl 30m --note "ticket 42"
  opsctl run cleanup                  run the approved write job, then its verification
  opsctl mute scan-photos --for 2h --note "disk swap"   hold its reminders for 2 hours
  opsctl enqueue inventory --not-before 10m
  opsctl reload                       after editing ops-jobs.json (same as SIGHUP)
  opsctl reexec                       after installing a new opsd binary (same as SIGUSR2)
  opsctl tick --print-only            probe everything now, show the report, send nothing

Exit codes:
  0 ok
  1 the operation failed or was refused (unknown job, policy, missing approval, ...)
  2 usage or config error (validate-config prints every error with its JSON path)
  3 opsd not reachable (the message names the socket and how to start opsd))");
  app.fallthrough();  // global options are accepted before or after the command
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("opsctl ") + opsd::kVersion,
                       "print opsctl's version and exit");
  std::string state_dir, config_file, socket, target;
  bool json_out = false;
  app.add_option("--state-dir", state_dir,
                 "state directory [OPENCLAW_STATE_DIR, OPENCLAW_HOME, ~/.openclaw]");
  app.add_option("--config-file", config_file, "job config [STATE/net/config/ops-jobs.json]");
  app.add_option("--socket", socket, "opsd control socket [STATE/net/run/opsd.sock]");
  app.add_flag("--json", json_out, "machine-readable output");
  std::string legacy_state_file, tick_target;
  app.add_option("--state-file", legacy_state_file,
                 "the original tool's word: STATE/net/state/ops-monitor.json selects STATE");

  std::string job;
  int lines = 50;
  bool follow = false, print_only = false, dry_run = false, allow_risk = false;
  std::string ttl = "1h", note, not_before;

  auto* status = app.add_subcommand("status", "show jobs, queue and outbox");
  status->add_option("job", job, "only this job");
  int width = -1;
  status
      ->add_option("--width", width,
                   "fit the table into N columns, 0: no limit [the terminal's width when "
                   "stdout is a terminal ($COLUMNS overrides it), else no limit]")
      ->check(CLI::NonNegativeNumber);
  auto* tick = app.add_subcommand("tick", "probe every job now, run due queue items, report");
  tick->add_flag("--print-only", print_only, "return the message instead of sending it");
  tick->add_flag("--dry-run", dry_run, "decide without acting (probes still run)");
  tick->add_option("--target", tick_target, "the original tool's word: accepted with a note");
  auto* start = app.add_subcommand("start", "start a long_running_read job");
  start->add_option("job", job, "job id")->required();
  start->add_flag("--allow-risk", allow_risk, "allow a job whose risk is not read_only");
  auto* stop = app.add_subcommand("stop", "stop a job (it stays stopped until started)");
  stop->add_option("job", job, "job id")->required();
  auto* run = app.add_subcommand("run", "run a one-shot job now (write jobs need an approval)");
  run->add_option("job", job, "job id")->required();
  run->add_flag("--dry-run", dry_run, "say whether it would run, run nothing");
  bool run_wait = false;
  std::string wait_limit;
  std::int64_t run_timeout = 0;
  run->add_flag("--wait", run_wait, "wait for the result (write jobs: and their verification)");
  run->add_option("--timeout", wait_limit, "with --wait: give up waiting after 30s, 10m, 1h");
  run->add_option("--timeout-seconds", run_timeout, "the run's own time limit [runTimeoutSeconds]")
      ->check(CLI::PositiveNumber);
  auto* approve = app.add_subcommand("approve", "approve one run of a write job");
  approve->add_option("job", job, "job id")->required();
  approve->add_option("--ttl", ttl, "approval lifetime: 30s, 10m, 1h, 2d [1h]");
  approve->add_option("--note", note, "why (recorded in the audit log)");
  std::string mute_for;
  auto* mute = app.add_subcommand("mute", "hold a job's reminders and routine reports for a while");
  mute->add_option("job", job, "job id")->required();
  mute->add_option("--for", mute_for, "how long: 30m, 2h, 1d [1h]");
  mute->add_option("--note", note, "why (shown in status, recorded in the audit log)");
  auto* unmute = app.add_subcommand("unmute", "end a job's mute");
  unmute->add_option("job", job, "job id")->required();
  auto* enqueue = app.add_subcommand("enqueue", "queue a one-shot read job");
  enqueue->add_option("job", job, "job id")->required();
  enqueue->add_option("--not-before", not_before, "ISO 8601 time, or a delay like 10m");
  auto* reload = app.add_subcommand("reload", "re-read the config, apply only the difference");
  auto* reexec = app.add_subcommand(
      "reexec", "upgrade in place: opsd re-executes its binary from disk, jobs keep running");
  auto* logs = app.add_subcommand("logs", "show a job's output log");
  logs->add_option("job", job, "job id")->required();
  logs->add_option("-n,--lines", lines, "number of lines [50]");
  logs->add_flag("-f,--follow", follow, "keep printing new output");
  auto* audit = app.add_subcommand("audit", "show the audit log (approvals, write runs)");
  audit->add_option("-n,--lines", lines, "number of lines [50]");
  auto* validate = app.add_subcommand("validate-config", "check the job config (no daemon needed)");
  auto* selftest = app.add_subcommand("selftest", "check the installation (no daemon needed)");
  selftest->add_option("--target", target, "Telegram chat id to check");
  auto* version = app.add_subcommand("version", "print opsctl's version and the running opsd's");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : opsd::kExitUsage;
  }

  if (!legacy_state_file.empty()) {
    std::optional<std::string> dir = opsd::state_dir_of_state_file(legacy_state_file);
    if (dir && state_dir.empty())
      state_dir = *dir;
    else if (!dir || *dir != state_dir)
      std::cerr << opsd::state_file_note(legacy_state_file) << "\n";
  }
  if (*tick && !tick_target.empty()) std::cerr << opsd::tick_target_note(tick_target) << "\n";

  opsd::Result<opsd::Paths> paths = paths_from(state_dir, config_file, socket);
  if (!paths) {
    std::cerr << "opsctl: " << paths.error().message << "\n";
    return opsd::kExitUsage;
  }
  opsd::CtlContext ctx{*paths, json_out, std::cout, std::cerr};
  ctx.table_width = width >= 0 ? static_cast<std::size_t>(width) : opsd::stdout_table_width();

  if (*validate) {
    opsd::ConfigContext cc{paths->state_dir, paths->home,
                           std::filesystem::path(paths->config_file).parent_path().string()};
    return opsd::run_validate_config(paths->config_file, cc, std::cout, std::cerr);
  }
  if (*selftest) return opsd::run_selftest({*paths, target}, std::cout);
  if (*audit) return opsd::ctl_audit(ctx, lines);
  if (*version) return print_versions(*paths, json_out);
  if (*status) return opsd::ctl_status(ctx, job);
  if (*tick) return opsd::ctl_tick(ctx, print_only, dry_run);
  if (*start) return opsd::ctl_call(ctx, "start", {{"job", job}, {"allowRisk", allow_risk}});
  if (*stop) return opsd::ctl_call(ctx, "stop", {{"job", job}});
  if (*run) {
    opsd::RunRequest req{job, dry_run, run_wait, 0, run_timeout};
    if (!wait_limit.empty()) {
      opsd::Result<std::int64_t> secs = opsd::parse_duration_seconds(wait_limit);
      if (!secs) {
        std::cerr << "opsctl: --timeout: " << secs.error().message << "\n";
        return opsd::kExitUsage;
      }
      req.wait_limit_ms = opsd::seconds(*secs);
    }
    return opsd::ctl_run(ctx, req);
  }
  if (*reload) return opsd::ctl_call(ctx, "reload", {});
  if (*reexec) return opsd::ctl_reexec(ctx);
  if (*logs) return opsd::ctl_logs(ctx, job, lines, follow);
  if (*approve) {
    opsd::Result<std::int64_t> secs = opsd::parse_duration_seconds(ttl);
    if (!secs) {
      std::cerr << "opsctl: --ttl: " << secs.error().message << "\n";
      return opsd::kExitUsage;
    }
    return opsd::ctl_call(ctx, "approve", {{"job", job}, {"ttlSeconds", *secs}, {"note", note}});
  }
  if (*mute) {
    json::object params{{"job", job}, {"note", note}};
    if (!mute_for.empty()) {
      opsd::Result<std::int64_t> secs = opsd::parse_duration_seconds(mute_for);
      if (!secs || *secs <= 0) {
        std::cerr << "opsctl: --for: "
                  << (secs ? std::string("must be longer than 0s") : secs.error().message) << "\n";
        return opsd::kExitUsage;
      }
      params["forSeconds"] = *secs;
    }
    return opsd::ctl_call(ctx, "mute", params);
  }
  if (*unmute) return opsd::ctl_call(ctx, "unmute", {{"job", job}});
  if (*enqueue) {
    json::object params{{"job", job}};
    if (!not_before.empty()) {
      if (opsd::Result<std::int64_t> delay = opsd::parse_duration_seconds(not_before); delay)
        params["notBefore"] = opsd::iso8601_utc(opsd::SystemClock().now() + opsd::seconds(*delay));
      else
        params["notBefore"] = not_before;
    }
    return opsd::ctl_call(ctx, "enqueue", params);
  }
  return opsd::kExitUsage;
}
