// Private to lib/service: the Daemon object behind run_daemon(). Split across daemon.cpp
// (lifecycle), daemon_actions.cpp (carrying out engine actions), daemon_rpc.cpp (requests) and
// daemon_persist.cpp (state writes and timer re-arms under load).
#pragma once

#include <boost/asio.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "process/command_runner.hpp"
#include "process/launcher.hpp"
#include "rpc/control_server.hpp"
#include "rpc/status_view.hpp"
#include "service/crash_guard.hpp"
#include "service/daemon.hpp"
#include "service/notifier.hpp"
#include "service/sd_notify.hpp"
#include "state/audit_log.hpp"
#include "util/clock.hpp"

namespace opsd {

namespace asio = boost::asio;

// A tick in progress: the probes it waits for and the sections decided meanwhile.
struct TickCapture {
  std::set<std::string> awaiting;  // job ids whose probe result is still due
  std::vector<ReportSection> sections;
  bool alert = false;
  asio::steady_timer* wake = nullptr;
};

class Daemon {
 public:
  explicit Daemon(DaemonOptions options);
  int run();

 private:
  // --- lifecycle (daemon.cpp) ---
  bool prepare_dirs();
  std::optional<Config> load_config(std::vector<std::string>& problems);
  // Writes the state now (temp file, fsync, rename) and drops any pending coalesced write.
  void persist();
  // A change nobody was told about yet: written by one coalesced write at most kPersistDelay
  // (longer when writes are slow) after the first change of a burst.
  void persist_soon();
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
  std::unique_ptr<Notifier> make_notifier();

  // --- actions (daemon_actions.cpp) ---
  // Carries out `actions` decided by `engine`; `dry` engines only get probes run for them.
  void dispatch(Actions actions, std::shared_ptr<Engine> dry = nullptr);
  void launch_start(const std::string& job_id);
  void launch_probe(const std::string& job_id, std::shared_ptr<Engine> dry);
  void launch_stop(const LaunchStop& a);
  void kill_job(const KillJob& a);
  void launch_one_shot(const LaunchOneShot& a);
  void post_sections(std::vector<ReportSection> sections, bool alert);
  std::vector<std::string> env_for(const Job& job) const;
  std::string log_path(const std::string& job_id) const;
  void after_engine_call();

  // --- requests (daemon_rpc.cpp) ---
  // handle() and then, before the reply, the write of every change it made (an acknowledged
  // change is durable).
  asio::awaitable<ParsedResponse> handle_durably(const Request& req, const PeerCred& peer);
  asio::awaitable<ParsedResponse> handle(const Request& req, const PeerCred& peer);
  asio::awaitable<ParsedResponse> handle_tick(const boost::json::object& params);
  ParsedResponse handle_logs(const boost::json::object& params);
  ParsedResponse handle_status(const boost::json::object& params) const;
  ParsedResponse handle_approve(const boost::json::object& params, const PeerCred& peer);
  ParsedResponse handle_run(const boost::json::object& params, const PeerCred& peer);
  void audit(boost::json::object entry);

  DaemonOptions opts_;
  SystemClock clock_;
  asio::io_context io_;
  std::optional<Engine> engine_;
  DaemonInfo info_;
  std::unique_ptr<ChildSupervisor> children_;
  std::unique_ptr<CommandRunner> runner_;
  std::unique_ptr<ControlServer> server_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<AuditLog> audit_;
  asio::steady_timer timer_;
  asio::steady_timer persist_timer_;
  asio::steady_timer rearm_timer_;
  asio::steady_timer release_timer_;
  asio::steady_timer watchdog_timer_;
  asio::signal_set signals_;
  SdNotifier sd_;
  std::string last_status_;  // the last STATUS= sent
  std::unique_ptr<CrashGuard> crash_guard_;
  StartDecision start_decision_;  // this run's crash-guard decision
  std::set<std::string> probes_in_flight_;
  std::map<std::string, std::int64_t> run_timeouts_;  // job -> seconds, its next direct run
  TickCapture* capture_ = nullptr;
  bool shutting_down_ = false;
  bool state_write_failed_ = false;
  // A coalesced write is due: scheduled on persist_timer_, or (during a forced tick) done by the
  // write before the tick's reply.
  bool persist_pending_ = false;
  bool rearm_pending_ = false;    // arm_timer() is scheduled on rearm_timer_
  bool release_pending_ = false;  // a heap release is scheduled on release_timer_
  std::chrono::steady_clock::duration last_write_cost_{};
  std::chrono::steady_clock::duration last_rearm_cost_{};
  int exit_code_ = 0;
};

}  // namespace opsd
