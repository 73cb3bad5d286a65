#include "service/daemon.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <random>

#include "engine/daemon_alerts.hpp"
#include "service/daemon_impl.hpp"
#include "service/daemon_secrets.hpp"
#include "service/stderr_log.hpp"
#include "state/atomic_file.hpp"
#include "state/file_system.hpp"
#include "state/secure_dir.hpp"
#include "state/state_store.hpp"
#include "util/time_format.hpp"
#include "version.hpp"

namespace opsd {

namespace {

// How long children get to stop at daemon shutdown before SIGKILL.
constexpr auto kShutdownGrace = std::chrono::seconds(10);

}  // namespace

Daemon::Daemon(DaemonOptions options, DaemonSeams seams)
    : opts_(std::move(options)),
      seams_(std::move(seams)),
      wall_clock_(seams_.clock ? *seams_.clock : system_clock_),
      clock_(wall_clock_),
      fs_(seams_.fs ? *seams_.fs : real_file_system()),
      timer_(io_),
      persist_timer_(io_),
      rearm_timer_(io_),
      release_timer_(io_),
      watchdog_timer_(io_),
      outbox_timer_(io_),
      signals_(io_, SIGTERM, SIGINT, SIGHUP) {}

bool Daemon::prepare_dirs() {
  FileSystem& fs = fs_;
  for (const std::string& dir :
       {parent_dir(opts_.paths.state_file), opts_.paths.logs_dir, parent_dir(opts_.paths.socket)}) {
    if (Status st = fs.make_dirs(dir, 0700); !st) {
      spdlog::critical("cannot create directory {}: {}", dir, st.message());
      return false;
    }
  }
  return secure_dirs();
}

bool Daemon::secure_dirs() {
  DirCheck check;
  const auto euid = static_cast<std::int64_t>(::geteuid());
  const std::string& state_file = opts_.paths.state_file;
  Status st;
  for (const std::string& dir :
       {opts_.paths.state_dir, parent_dir(parent_dir(state_file)), parent_dir(state_file),
        opts_.paths.logs_dir, parent_dir(opts_.paths.socket)})
    if (st = secure_dir(dir, euid, check); !st) break;
  for (const std::string& file : {state_file, opts_.paths.audit_log,
                                  parent_dir(state_file) + "/" + std::string(kLastGoodConfigName)})
    if (st.ok() && !(st = secure_file(file, euid, check))) break;
  for (const std::string& note : check.repaired) {
    spdlog::warn("repaired: {}", note);
    std::cerr << "opsd: repaired: " << note << "\n";
  }
  if (!st) {
    spdlog::critical("{}", st.message());
    std::cerr << "opsd: " << st.message() << "\n";
  }
  return st.ok();
}

void Daemon::record(const Step& step) {
  for (const AuditEvent& e : step.audit) {
    boost::json::object entry{{"at", iso8601_utc(e.at)},      {"event", e.event}, {"job", e.job_id},
                              {"fingerprint", e.fingerprint}, {"uid", e.uid},     {"note", e.note}};
    entry["exitCode"] = e.exit_code ? boost::json::value(*e.exit_code) : nullptr;
    if (e.duration_ms) entry["durationMs"] = *e.duration_ms;
    if (!e.output_tail.empty()) entry["outputTail"] = e.output_tail;
    if (!e.verification.empty()) entry["verification"] = e.verification;
    audit(std::move(entry));
  }
  if (step.state_changed) persist_soon();
  arm_timer_soon();
  metrics_changed();
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
  check_clock_step();
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
  line += "; outbox " + std::to_string(outbox_->pending());
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
  crash_guard_ =
      std::make_unique<CrashGuard>(fs_, parent_dir(opts_.paths.state_file) + "/opsd-run.json");
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
  post_sections({crash_loop_alert(start_decision_.recent_unclean,
                                  static_cast<int>(CrashGuardPolicy{}.window / seconds(60)),
                                  engine_->config().notify.locale)},
                true);
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
  stop_metrics();
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

void Daemon::make_outbox(OutboxState loaded) {
  routes_ = std::make_unique<DeliveryRoutes>(
      DeliveryOptions{opts_.paths.openclaw_config, opts_.target, opts_.ca_file,
                      [this] { return engine_->config().notify; }},
      seams_.transports ? seams_.transports(io_.get_executor())
                        : real_transport_factory(io_.get_executor()));
  OutboxHooks hooks;
  hooks.route = [this] { return routes_->route(); };
  hooks.persist = [this] { persist(); };
  hooks.wake = [this](TimeMs delay) {
    outbox_timer_.expires_after(std::chrono::milliseconds(delay));
    outbox_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) outbox_->pump();
    });
  };
  hooks.on_settled = [this](bool delivered) {
    ++(delivered ? metrics_.delivered_total : metrics_.failed_total);
    metrics_changed();
  };
  outbox_ = std::make_unique<OutboxSender>(std::move(loaded), clock_, std::move(hooks),
                                           static_cast<std::uint32_t>(std::random_device{}()));
  // --print-only sends nothing: what a previous run queued stays queued for a later run.
  if (opts_.print_only) {
    notifier_ = std::make_unique<PrintNotifier>(std::cout);
  } else {
    notifier_ = std::make_unique<OutboxNotifier>(*outbox_);
    asio::post(io_, [this] { outbox_->start(); });
  }
}

int Daemon::run() {
  if (std::optional<int> failed = start()) return *failed;
  io_.run();
  if (Status st = crash_guard_->record_clean_stop(); !st)
    spdlog::warn("cannot write the run record {}: {}", crash_guard_->path(), st.message());
  spdlog::info("opsd stopped");
  return exit_code_;
}

std::optional<int> Daemon::start() {
  // Read by sd_ already; no child may inherit them.
  SdNotifier::unset_environment();
  if (!prepare_dirs()) return 1;

  // Bound before the crash guard looks at the run record: a second opsd that finds the socket
  // taken exits here without counting as a restart of the first.
  ServerOptions server_opts;
  server_opts.socket_path = opts_.paths.socket;
  server_ = std::make_unique<ControlServer>(
      io_, server_opts,
      [this](const Request& r, const PeerCred& p) { return handle_durably(r, p); });
  if (Status st = take_control_socket(); !st) {
    spdlog::critical("{}", st.message());
    print_stderr_error("opsd: " + st.message());
    return 1;
  }
  check_crash_loop();
  std::optional<Config> config = config_at_start();  // the file's, the last good one or none

  StateLoad loaded =
      load_state(fs_, opts_.paths.state_file, clock_.now(), state_read_cap(config->jobs.size()));
  if (loaded.unsafe_to_save) {
    // Never overwrite a state that could not be read: it may hold the queue and the outbox.
    spdlog::critical("{}; refusing to start so that it is not overwritten", loaded.error);
    std::cerr << "opsd: " << loaded.error << "; refusing to start so that it is not overwritten\n";
    (void)crash_guard_->record_clean_stop();
    return 1;
  }
  if (!loaded.quarantined_to.empty())
    spdlog::error("state file unreadable ({}); moved aside to {}", loaded.error,
                  loaded.quarantined_to);
  adopt_restart_step(loaded);
  if (config_health_.running == "none") held_state_ = std::move(loaded.state);
  engine_.emplace(std::move(*config), held_state_ ? State{} : std::move(loaded.state));
  engine_->set_local_time(clock_);
  server_->start();
  // Only now is this the one daemon of the state dir: a killed predecessor's temp files go.
  if (int n = remove_stale_atomic_temps(opts_.paths.state_file); n > 0)
    spdlog::info("removed {} temp file(s) left by an earlier opsd", n);
  (void)remove_stale_atomic_temps(last_good_->path());

  info_ = DaemonInfo{kVersion,
                     static_cast<std::int64_t>(getpid()),
                     clock_.now(),
                     opts_.paths.config_file,
                     opts_.paths.state_dir,
                     opts_.paths.socket,
                     ""};
  children_ = std::make_unique<ChildSupervisor>(io_.get_executor());
  runner_ = seams_.runner ? seams_.runner(io_.get_executor())
                          : std::make_unique<CommandRunner>(io_.get_executor(), 8);
  audit_ = std::make_unique<AuditLog>(fs_, opts_.paths.audit_log);
  make_outbox(std::move(loaded.outbox));
  info_.notifier = notifier_->describe();
  secrets_ = daemon_secrets(opts_.paths.openclaw_config, system_getenv);

  if (!loaded.quarantined_to.empty()) {
    post_sections(
        {state_corrupt_alert(loaded.error, loaded.quarantined_to, engine_->config().notify.locale)},
        true);
  }
  if (start_decision_.tripped) post_crash_loop_alert();
  start_config_watch();
  wait_signals();
  wait_reexec_signal();
  start_metrics();
  dispatch(engine_->on_startup(clock_.now(), adopt_children()));
  persist();
  spdlog::info("opsd {} ready: config {}, socket {}, notifier {}", kVersion,
               opts_.paths.config_file, opts_.paths.socket, info_.notifier);
  if (!handover_.from_version.empty())
    spdlog::info("opsd {} replaced opsd {}", kVersion, handover_.from_version);
  update_status(sd_.watchdog_interval_ms() ? "READY=1\nWATCHDOG=1" : "READY=1");
  start_watchdog();
  return std::nullopt;
}

int run_daemon(const DaemonOptions& options) {
  Daemon daemon(options);
  return daemon.run();
}

}  // namespace opsd
