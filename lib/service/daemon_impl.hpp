// Private to lib/service: the Daemon object behind run_daemon(). Split across daemon.cpp
// (lifecycle), daemon_actions.cpp (carrying out engine actions), daemon_rpc.cpp (requests),
// daemon_persist.cpp (state writes and timer re-arms under load) and daemon_config.cpp (the
// config file: reload, the last good copy, the watch).
#pragma once

#include <boost/asio.hpp>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "metrics/heartbeat_loop.hpp"
#include "metrics/metrics_counters.hpp"
#include "metrics/metrics_server.hpp"
#include "metrics/process_stats.hpp"
#include "metrics/textfile_writer.hpp"
#include "notify/outbox_sender.hpp"
#include "process/command_runner.hpp"
#include "process/launcher.hpp"
#include "rpc/control_server.hpp"
#include "rpc/status_view.hpp"
#include "service/config_watch_policy.hpp"
#include "service/crash_guard.hpp"
#include "service/daemon.hpp"
#include "service/delivery_route.hpp"
#include "service/monotonic_wall_clock.hpp"
#include "service/notifier.hpp"
#include "service/reexec_handover.hpp"
#include "service/sd_notify.hpp"
#include "state/audit_log.hpp"
#include "state/last_good_config.hpp"
#include "state/state_store.hpp"
#include "util/clock.hpp"

namespace opsd {

namespace asio = boost::asio;

// A tick in progress: the probes it waits for and the sections it decided. Only the tick's own
// step and the results of its own probes are captured; every other report raised meanwhile
// (a one-shot's ALERT, a timer's probe) is sent as usual.
struct TickCapture {
  std::set<std::string> awaiting;  // job ids whose probe result is still due
  // Jobs whose probe was already in flight when the tick asked: that result serves the tick.
  std::set<std::string> adopted;
  std::vector<ReportSection> sections;
  bool alert = false;
  asio::steady_timer* wake = nullptr;
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options, DaemonSeams seams = {});
  int run();

  // --- run() in parts, for tests of the shell ---
  // Everything before the event loop runs: nullopt when ready, else the exit code.
  std::optional<int> start();
  asio::io_context& io() { return io_; }
  const Engine& engine() const { return *engine_; }
  const OutboxSender& outbox() const { return *outbox_; }
  // handle() and then, before the reply, the write of every change it made (an acknowledged
  // change is durable; a change that could not be written is answered as an error).
  asio::awaitable<ParsedResponse> handle_durably(const Request& req, const PeerCred& peer);

 private:
  // --- lifecycle (daemon.cpp) ---
  bool prepare_dirs();
  // secure_dir()/secure_file() on every directory and file opsd trusts; repairs are logged.
  bool secure_dirs();
  // Writes the state now (temp file, fsync, rename) and drops any pending coalesced write;
  // returns why it failed ("" = written).
  std::string persist();
  // A change nobody was told about yet: written by one coalesced write at most kPersistDelay
  // (longer when writes are slow) after the first change of a burst.
  void persist_soon();
  // Alerts when a written state of `bytes` passed half of its read cap `cap` (once per crossing).
  void warn_state_size(std::size_t bytes, std::size_t cap);
  void arm_timer();
  // Re-arms the tick timer once for a burst of engine calls (next_deadline() visits every job).
  void arm_timer_soon();
  // Hands the heap freed by a burst (state encoding, status answers, queued probes) back to the
  // system once things calm down: idle RSS stays near what is live.
  void release_memory_soon();
  void on_timer();
  // --- clock steps (daemon_clock.cpp) ---
  // Asks clock_ whether the wall clock was stepped; if so moves every persisted age and
  // deadline by the step (engine, outbox, uptime) and logs it. Called before time is read for
  // an engine call (timers, requests).
  void check_clock_step();
  // At a start, before the engine is made: a wall clock that went back while opsd was down.
  void adopt_restart_step(StateLoad& loaded);
  void start_watchdog();
  void wait_signals();
  void shutdown();
  std::string status_line() const;
  // Sends STATUS= when the summary changed since the last one sent (with `also` prepended,
  // e.g. "WATCHDOG=1", which is sent in any case).
  void update_status(const std::string& also = "");
  // Crash-loop guard (crash_guard.hpp): records this start; on a loop, automatic starts off.
  void check_crash_loop();
  void post_crash_loop_alert();
  // The outbox with what the state file held, and the notifier that feeds it.
  void make_outbox(OutboxState loaded);

  // --- the config file: loading, reload, the last good copy, the watch (daemon_config.cpp) ---
  struct ConfigRead {
    std::optional<Config> config;       // set when it loaded
    std::vector<std::string> errors;    // formatted diagnostics when it did not
    std::optional<std::string> text{};  // the bytes read; nullopt when the file could not be read
  };
  ConfigRead read_config();
  // After a crash loop nothing starts by itself: no job is auto-resumed in this run.
  static void turn_off_automatic_starts(Config& config);
  // The config opsd starts with: the file's; when it fails, the last good copy's; else none
  // (no jobs; held_state_ then keeps the state file's contents). config_health_ says which.
  Config config_at_start();
  // `opsctl reload` and SIGHUP: `summary` names what changed since the last reload (or start),
  // including what edits applied by themselves meanwhile; `error` when the file failed.
  void reload(std::string& summary, std::optional<RpcError>& error);
  // Makes a config that loaded the running one (a reload's difference) and its copy the last
  // good one.
  void apply_config(ConfigRead read);
  // A read that failed: status shows it, and an alert goes out unless these errors were the
  // last ones alerted.
  void config_failed(const ConfigRead& read);
  // Alerts about a config that failed at start; watches the file unless --no-watch-config.
  void start_config_watch();
  // Reads the file once it stayed untouched for the debounce (`delay` ms from now, at least).
  void wait_config_quiet(TimeMs delay);
  // After the debounce: reads the file and applies or alerts when its bytes changed.
  void check_config_file();

  // --- actions (daemon_actions.cpp) ---
  // Carries out what `step` decided; from a `dry` engine only its probes are run and nothing
  // is recorded.
  // `for_tick`: the step is the running tick's own (its sections go to capture_).
  void dispatch(Step step, std::shared_ptr<Engine> dry = nullptr, bool for_tick = false);
  // Actions the daemon decided itself (a probe after a stop), recorded like an engine step.
  void dispatch_own(Actions actions) { dispatch(Step{std::move(actions), {}, false}); }
  void launch_start(const std::string& job_id);
  void launch_probe(const std::string& job_id, std::shared_ptr<Engine> dry, bool for_tick);
  void launch_stop(const LaunchStop& a);
  void kill_job(const KillJob& a);
  void launch_one_shot(const LaunchOneShot& a);
  void post_sections(std::vector<ReportSection> sections, bool alert);
  // A live card's new text (notify.progress "card") to the notifier.
  void post_card(const Notify& card);
  std::vector<std::string> env_for(const Job& job) const;
  std::string log_path(const std::string& job_id) const;
  // Writes the step's audit events, schedules a state write when it changed the state, and
  // re-arms the tick timer.
  void record(const Step& step);

  // --- children that outlive a daemon run (daemon_adopt.cpp, docs/processes.md) ---
  // Before engine_->on_startup: adopts every owned_pid of the loaded state that is still the
  // same process (and its relay); returns their job ids. A pid that is not is never signalled.
  std::set<std::string> adopt_children();
  // Right after a launch: records the child's identity (and its relay's) in the state.
  void record_identity(const std::string& job_id, std::int64_t pid);
  // An owned child ended (code nullopt: unknown, a re-adopted process); `started`: its launch,
  // for the run time.
  void child_exited(const std::string& job_id, std::optional<int> code,
                    std::chrono::steady_clock::time_point started);

  // --- upgrade in place (daemon_reexec.cpp, docs/processes.md) ---
  // `opsctl reexec` / SIGUSR2: refuses while a one-shot runs, pre-flights opts_.binary and saves
  // the state; on success the answer names the new version and exec_when_quiet() follows.
  asio::awaitable<ParsedResponse> handle_reexec();
  // Once no probe and no one-shot is in flight (up to a few seconds after `since`): saves the
  // state, hands the control socket over and execve()s opts_.binary; on any failure logs why
  // and serves on.
  void exec_when_quiet(std::string new_version, std::chrono::steady_clock::time_point since);
  void exec_now(const std::string& new_version);
  // At start: adopts the listening socket an earlier image handed over (OPSD_LISTEN_FD), else
  // binds it; reads and clears the handover variables into handover_.
  Status take_control_socket();
  void wait_reexec_signal();  // SIGUSR2: like `opsctl reexec`, the outcome logged
  // --- requests (daemon_rpc.cpp) ---
  asio::awaitable<ParsedResponse> handle(const Request& req, const PeerCred& peer);
  asio::awaitable<ParsedResponse> handle_tick(const boost::json::object& params);
  ParsedResponse handle_logs(const boost::json::object& params);
  ParsedResponse handle_status(const boost::json::object& params) const;
  ParsedResponse handle_approve(const boost::json::object& params, const PeerCred& peer);
  // mute / unmute <job> [forSeconds, note] (engine/mute.hpp).
  ParsedResponse handle_mute(bool mute, const boost::json::object& params, const PeerCred& peer);
  ParsedResponse handle_run(const boost::json::object& params, const PeerCred& peer);
  void audit(boost::json::object entry);
  // Appends the entries an earlier audit() could not write (disk full), oldest first.
  void flush_audit();

  // --- metrics and heartbeat (daemon_metrics.cpp) ---
  // Binds metrics.listen (a failure is logged; opsd runs on without /metrics), sets up
  // metrics.textfile and starts the heartbeat. Requires engine_.
  void start_metrics();
  void stop_metrics();
  std::string render_metrics_now();
  // Something shown in the metrics changed: the textfile is rewritten soon.
  void metrics_changed();
  // After a reload: heartbeat changes apply; a changed metrics.listen needs a restart.
  void reload_metrics(const MetricsConfig& before);

  DaemonOptions opts_;
  DaemonSeams seams_;
  SystemClock system_clock_;
  MonotonicWallClock wall_clock_;  // over seams_.clock or system_clock_
  const Clock& clock_;             // wall_clock_
  FileSystem& fs_;                 // seams_.fs or real_file_system()
  asio::io_context io_;
  std::optional<Engine> engine_;
  DaemonInfo info_;
  std::unique_ptr<ChildSupervisor> children_;
  std::unique_ptr<Runner> runner_;
  std::unique_ptr<ControlServer> server_;
  std::unique_ptr<DeliveryRoutes> routes_;
  std::unique_ptr<OutboxSender> outbox_;  // the one owner of the outbox (persisted with state)
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<AuditLog> audit_;
  asio::steady_timer timer_;
  asio::steady_timer persist_timer_;
  asio::steady_timer rearm_timer_;
  asio::steady_timer release_timer_;
  asio::steady_timer watchdog_timer_;
  asio::steady_timer outbox_timer_;  // wakes outbox_ for its next attempt
  asio::signal_set signals_;
  SdNotifier sd_;
  std::string last_status_;  // the last STATUS= sent
  std::unique_ptr<CrashGuard> crash_guard_;
  StartDecision start_decision_;  // this run's crash-guard decision
  std::set<std::string> probes_in_flight_;
  std::multiset<std::string> one_shots_running_;  // job ids; a reexec waits for none
  std::multiset<std::string> writes_running_;     // write jobs' runs (not their verifications)
  bool reexec_pending_ = false;                   // between a reexec's answer and its execve
  std::unique_ptr<asio::steady_timer> reexec_timer_;
  std::unique_ptr<asio::signal_set> reexec_signal_;
  Handover handover_;  // what the previous image handed over; empty on a normal start
  // Probes in flight when their job's owned child exited: their answer may predate the exit, so
  // it is dropped and the job probed again (daemon_adopt.cpp).
  std::set<std::string> stale_probes_;
  std::map<std::string, std::int64_t> run_timeouts_;  // job -> seconds, its next direct run
  TickCapture* capture_ = nullptr;
  bool shutting_down_ = false;
  bool state_write_failed_ = false;
  bool state_size_warned_ = false;
  std::string last_persist_error_;  // why the last persist() failed; "" when it succeeded
  std::string audit_error_;         // an audit append failed during the current request
  std::deque<boost::json::object>
      unwritten_audit_;  // audit entries not yet on disk, in order  // warn_state_size() alerted;
                         // re-armed below 40 % of the cap
  // A coalesced write is due: scheduled on persist_timer_, or (during a forced tick) done by the
  // write before the tick's reply.
  bool persist_pending_ = false;
  bool rearm_pending_ = false;    // arm_timer() is scheduled on rearm_timer_
  bool release_pending_ = false;  // a heap release is scheduled on release_timer_
  std::chrono::steady_clock::duration last_write_cost_{};
  std::chrono::steady_clock::duration last_rearm_cost_{};
  int exit_code_ = 0;
  // daemon_secrets(), read at start and at each reload: not passed to children, and replaced by
  // "<redacted>" in their logs, their output and every message.
  std::vector<std::string> secrets_;
  // The config file (daemon_config.cpp).
  ConfigHealth config_health_;
  std::unique_ptr<LastGoodConfig> last_good_;
  // Set while no config is running (started on a bad file without a good copy): the state file
  // as it was read, written back as it is (plus the outbox), so that nothing of it is lost. A
  // good config builds the engine from it.
  std::optional<State> held_state_;
  // Jobs added, removed or changed ('a', 'r', 'c') by edits that applied by themselves since
  // the last reload (or start): the next reload's summary names them too.
  std::map<std::string, char> unreported_;
  ConfigWatchPolicy config_policy_;
  std::unique_ptr<FileWatch> config_watch_;
  std::unique_ptr<asio::steady_timer> config_timer_;  // the debounce of config_watch_
  // Metrics (not persisted: counters restart at 0 with opsd).
  MetricsCounters metrics_;
  RealProcessStats process_stats_;
  std::unique_ptr<MetricsServer> metrics_server_;
  std::unique_ptr<TextfileWriter> textfile_;
  std::unique_ptr<HttpPingClient> ping_client_;
  std::unique_ptr<HeartbeatLoop> heartbeat_;
};

}  // namespace opsd
