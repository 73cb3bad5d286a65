#include "service/daemon.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "config/config_loader.hpp"
#include "config/fingerprint.hpp"
#include "service/daemon_impl.hpp"
#include "service/outbox_sender.hpp"
#include "service/stderr_log.hpp"
#include "state/atomic_file.hpp"
#include "state/file_system.hpp"
#include "state/state_store.hpp"
#include "util/time_format.hpp"
#include "version.hpp"

namespace opsd {

namespace {

// How long children get to stop at daemon shutdown before SIGKILL.
constexpr auto kShutdownGrace = std::chrono::seconds(10);

// After a crash loop nothing starts by itself: no job is auto-resumed in this run.
void turn_off_automatic_starts(Config& config) {
  for (Job& job : config.jobs) job.policy.auto_resume = false;
}

}  // namespace

Daemon::Daemon(DaemonOptions options)
    : opts_(std::move(options)),
      timer_(io_),
      persist_timer_(io_),
      rearm_timer_(io_),
      release_timer_(io_),
      watchdog_timer_(io_),
      signals_(io_, SIGTERM, SIGINT, SIGHUP) {}

bool Daemon::prepare_dirs() {
  FileSystem& fs = real_file_system();
  for (const std::string& dir :
       {parent_dir(opts_.paths.state_file), opts_.paths.logs_dir, parent_dir(opts_.paths.socket)}) {
    if (Status st = fs.make_dirs(dir, 0700); !st) {
      spdlog::critical("cannot create directory {}: {}", dir, st.message());
      return false;
    }
  }
  return true;
}

std::optional<Config> Daemon::load_config(std::vector<std::string>& problems) {
  ConfigContext ctx{opts_.paths.state_dir, opts_.paths.home, parent_dir(opts_.paths.config_file)};
  ConfigLoad load = load_config_file(opts_.paths.config_file, ctx);
  for (const Diagnostic& d : load.diagnostics) {
    if (d.severity == Diagnostic::Severity::warning)
      spdlog::warn("config {}: {}", opts_.paths.config_file, format_diagnostic(d));
    else
      problems.push_back(format_diagnostic(d));
  }
  if (!load.ok()) return std::nullopt;
  if (start_decision_.tripped) turn_off_automatic_starts(*load.config);
  return std::move(load.config);
}

void Daemon::after_engine_call() {
  for (const AuditEvent& e : engine_->take_audit()) {
    boost::json::object entry{{"at", iso8601_utc(e.at)},      {"event", e.event}, {"job", e.job_id},
                              {"fingerprint", e.fingerprint}, {"uid", e.uid},     {"note", e.note}};
    entry["exitCode"] = e.exit_code ? boost::json::value(*e.exit_code) : nullptr;
    if (e.duration_ms) entry["durationMs"] = *e.duration_ms;
    if (!e.output_tail.empty()) entry["outputTail"] = e.output_tail;
    if (!e.verification.empty()) entry["verification"] = e.verification;
    audit(std::move(entry));
  }
  if (engine_->take_dirty()) persist_soon();
  arm_timer_soon();
}

void Daemon::arm_timer() {
  if (shutting_down_) return;
  std::optional<TimeMs> deadline = engine_->next_deadline();
  if (!deadline) {
    timer_.cancel();
    return;
  }
  // Deadlines are wall times: waking at least once a minute lets the engine notice a wall
  // clock stepped back (Engine::on_timer pulls such deadlines in) instead of sleeping for hours.
  constexpr TimeMs kMaxTimerDelay = seconds(60);
  TimeMs delay = std::clamp<TimeMs>(*deadline - clock_.now(), 0, kMaxTimerDelay);
  timer_.expires_after(std::chrono::milliseconds(delay));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) on_timer();
  });
}

void Daemon::on_timer() {
  if (shutting_down_) return;
  dispatch(engine_->on_timer(clock_.now()));
}

std::string Daemon::status_line() const {
  std::map<std::string, int> counts;
  int jobs = 0;
  for (const Job& j : engine_->config().jobs) {
    if (!j.enabled || j.kind != JobKind::long_running_read) continue;
    ++jobs;
    auto it = engine_->state().jobs.find(j.id);
    counts[std::string(
        to_string(it == engine_->state().jobs.end() ? JobState::stopped : it->second.state))]++;
  }
  std::string line = std::to_string(jobs) + " jobs";
  const char* sep = ": ";
  for (const auto& [name, n] : counts) {
    line += sep + std::to_string(n) + " " + name;
    sep = ", ";
  }
  line += "; outbox " + std::to_string(engine_->state().outbox.size());
  if (start_decision_.tripped) line += "; crash loop: automatic starts off";
  return line;
}

void Daemon::update_status(const std::string& also) {
  if (!sd_.enabled()) return;
  std::string line = status_line();
  std::string msg = also;
  if (line != last_status_) {
    msg += (msg.empty() ? "STATUS=" : "\nSTATUS=") + line;
    last_status_ = std::move(line);
  }
  if (!msg.empty()) sd_.notify(msg);
}

void Daemon::check_crash_loop() {
  crash_guard_ = std::make_unique<CrashGuard>(
      real_file_system(), parent_dir(opts_.paths.state_file) + "/opsd-run.json");
  start_decision_ = crash_guard_->record_start(clock_.now());
  if (!start_decision_.save_error.empty())
    spdlog::warn("cannot write the run record {}: {}", crash_guard_->path(),
                 start_decision_.save_error);
  if (start_decision_.unclean)
    spdlog::warn(
        "the previous opsd run did not shut down cleanly ({} unclean starts within {} "
        "minutes)",
        start_decision_.recent_unclean, CrashGuardPolicy{}.window / seconds(60));
  if (start_decision_.tripped)
    spdlog::error("crash loop: automatic job starts are off until opsd is restarted cleanly");
}

void Daemon::post_crash_loop_alert() {
  ReportSection s;
  s.job_id = "opsd";
  s.name = "opsd";
  s.state = "crash loop";
  s.info = std::to_string(start_decision_.recent_unclean) + " unclean starts within " +
           std::to_string(CrashGuardPolicy{}.window / seconds(60)) +
           " minutes (crash, kill -9 or watchdog abort); automatic job starts are off";
  s.action_required =
      "read opsd's log, start jobs by hand with 'opsctl start', then restart opsd cleanly "
      "to turn automatic starts back on";
  post_sections({s}, true);
}

void Daemon::start_watchdog() {
  std::optional<std::int64_t> interval = sd_.watchdog_interval_ms();
  if (!interval) return;
  watchdog_timer_.expires_after(std::chrono::milliseconds(*interval));
  watchdog_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || shutting_down_) return;
    update_status("WATCHDOG=1");
    start_watchdog();
  });
}

void Daemon::wait_signals() {
  signals_.async_wait([this](boost::system::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      std::string summary;
      std::optional<RpcError> error;
      reload(summary, error);
      wait_signals();
      return;
    }
    spdlog::info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    shutdown();
  });
}

void Daemon::shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  sd_.notify("STOPPING=1");
  timer_.cancel();
  rearm_timer_.cancel();
  release_timer_.cancel();
  watchdog_timer_.cancel();
  if (server_) server_->stop();
  // Owned children are stopped below; the engine keeps their states so that the next start
  // resumes or reports them.
  (void)engine_->on_shutdown(clock_.now());
  persist();
  children_->terminate_all(kShutdownGrace, [this] {
    persist();
    signals_.cancel();
    io_.stop();
  });
}

void Daemon::reload(std::string& summary, std::optional<RpcError>& error) {
  sd_.notify_reloading();
  std::vector<std::string> problems;
  std::optional<Config> config = load_config(problems);
  if (!config) {
    std::string why;
    for (const auto& p : problems) why += (why.empty() ? "" : "; ") + p;
    spdlog::error("reload refused, keeping the running config: {}", why);
    error = RpcError{Fault::config_error, "config not reloaded (old config kept): " + why};
    ReportSection s;
    s.job_id = "opsd";
    s.name = "opsd";
    s.state = "reload refused";
    s.info = why;
    s.action_required = "fix " + opts_.paths.config_file + " then run 'opsctl reload'";
    post_sections({s}, true);
    update_status("READY=1");
    return;
  }
  Actions actions;
  ReloadSummary diff = engine_->reload(std::move(*config), clock_.now(), actions);
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
    return s.empty() ? std::string("-") : s;
  };
  summary = "reloaded: added " + join(diff.added) + "; removed " + join(diff.removed) +
            "; changed " + join(diff.changed);
  spdlog::info("{}", summary);
  dispatch(std::move(actions));
  update_status("READY=1");
}

std::unique_ptr<Notifier> Daemon::make_notifier() {
  if (opts_.print_only) return std::make_unique<PrintNotifier>(std::cout);
  return make_outbox_sender(
      io_.get_executor(), engine_->mutable_state(), [this] { persist(); },
      OutboxSenderOptions{opts_.paths.openclaw_config, opts_.target, opts_.ca_file,
                          [this] { return engine_->config().notify; }},
      clock_);
}

int Daemon::run() {
  // Read by sd_ already; no child may inherit them.
  SdNotifier::unset_environment();
  if (!prepare_dirs()) return 1;
  std::vector<std::string> problems;
  std::optional<Config> config = load_config(problems);
  if (!config) {
    for (const auto& p : problems) spdlog::critical("config {}: {}", opts_.paths.config_file, p);
    print_stderr_error("opsd: invalid config " + opts_.paths.config_file +
                       " (check it with 'opsctl validate-config')");
    return 2;
  }

  // Bound before the crash guard looks at the run record: a second opsd that finds the socket
  // taken exits here without counting as a restart of the first.
  ServerOptions server_opts;
  server_opts.socket_path = opts_.paths.socket;
  server_ = std::make_unique<ControlServer>(
      io_, server_opts,
      [this](const Request& r, const PeerCred& p) { return handle_durably(r, p); });
  if (Status st = server_->bind(); !st) {
    spdlog::critical("{}", st.message());
    print_stderr_error("opsd: " + st.message());
    return 1;
  }
  check_crash_loop();
  if (start_decision_.tripped) turn_off_automatic_starts(*config);

  StateLoad loaded = load_state(real_file_system(), opts_.paths.state_file, clock_.now());
  if (!loaded.quarantined_to.empty())
    spdlog::error("state file unreadable ({}); moved aside to {}", loaded.error,
                  loaded.quarantined_to);
  engine_.emplace(std::move(*config), std::move(loaded.state));
  engine_->set_local_time(clock_);
  engine_->set_fingerprinter(job_fingerprint);
  server_->start();
  // Only now is this the one daemon of the state dir: a killed predecessor's temp files go.
  if (int n = remove_stale_atomic_temps(opts_.paths.state_file); n > 0)
    spdlog::info("removed {} temp file(s) left by an earlier opsd", n);

  info_ = DaemonInfo{kVersion,
                     static_cast<std::int64_t>(getpid()),
                     clock_.now(),
                     opts_.paths.config_file,
                     opts_.paths.state_dir,
                     opts_.paths.socket,
                     ""};
  children_ = std::make_unique<ChildSupervisor>(io_.get_executor());
  runner_ = std::make_unique<CommandRunner>(io_.get_executor(), 8);
  audit_ = std::make_unique<AuditLog>(real_file_system(), opts_.paths.audit_log);
  notifier_ = make_notifier();
  info_.notifier = notifier_->describe();

  if (!loaded.quarantined_to.empty()) {
    ReportSection s;
    s.job_id = "opsd";
    s.name = "opsd";
    s.state = "state file corrupt";
    s.info = loaded.error + "; moved aside to " + loaded.quarantined_to;
    s.action_required = "inspect the quarantined file; opsd started with empty state";
    post_sections({s}, true);
  }
  if (start_decision_.tripped) post_crash_loop_alert();
  wait_signals();
  dispatch(engine_->on_startup(clock_.now()));
  persist();
  spdlog::info("opsd {} ready: config {}, socket {}, notifier {}", kVersion,
               opts_.paths.config_file, opts_.paths.socket, info_.notifier);
  update_status(sd_.watchdog_interval_ms() ? "READY=1\nWATCHDOG=1" : "READY=1");
  start_watchdog();
  io_.run();
  if (Status st = crash_guard_->record_clean_stop(); !st)
    spdlog::warn("cannot write the run record {}: {}", crash_guard_->path(), st.message());
  spdlog::info("opsd stopped");
  return exit_code_;
}

int run_daemon(const DaemonOptions& options) {
  Daemon daemon(options);
  return daemon.run();
}

}  // namespace opsd
