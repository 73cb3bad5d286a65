// Private to lib/service: the Daemon object behind run_daemon(). Split across daemon.cpp
// (lifecycle), daemon_actions.cpp (carrying out engine actions), daemon_rpc.cpp (requests) and
// daemon_persist.cpp (state writes and timer re-arms under load).
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
#include "service/crash_guard.hpp"
#include "service/daemon.hpp"
#include "service/delivery_route.hpp"
#include "service/notifier.hpp"
#include "service/reexec_handover.hpp"
#include "service/sd_notify.hpp"
#include "state/audit_log.hpp"
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
  std::optional<Config> load_config(std::vector<std::string>& problems);
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
  void start_watchdog();
  void wait_signals();
  void shutdown();
  void reload(std::string& summary, std::optional<RpcError>& error);
  std::string status_line() const;
  // Sends STATUS= when the summary changed since the last one sent (with `also` prepended,
  // e.g. "WATCHDOG=1", which is sent in any case).
  void update_status(const std::string& also = "");
  // Crash-loop guard (crash_guard.hpp): records this start; on a loop, automatic starts off.
  void check_crash_loop();
  void post_crash_loop_alert();
  // The outbox with what the state file held, and the notifier that feeds it.
  void make_outbox(OutboxState loaded);

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
  const Clock& clock_;  // seams_.clock or system_clock_
  FileSystem& fs_;      // seams_.fs or real_file_system()
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
  // Metrics (not persisted: counters restart at 0 with opsd).
  MetricsCounters metrics_;
  RealProcessStats process_stats_;
  std::unique_ptr<MetricsServer> metrics_server_;
  std::unique_ptr<TextfileWriter> textfile_;
  std::unique_ptr<HttpPingClient> ping_client_;
  std::unique_ptr<HeartbeatLoop> heartbeat_;
};

}  // namespace opsd
