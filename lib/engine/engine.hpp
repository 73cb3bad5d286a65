// The engine: every decision opsd makes, as pure logic over (Config, State, event, now).
// It never touches a process, socket, file or clock: the daemon (service/daemon.hpp) feeds it
// events and carries out the Actions it returns. The Engine is a value: copying it is how
// `tick --dry-run` decides without acting.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "engine/approval.hpp"
#include "engine/exit_info.hpp"
#include "engine/refusal.hpp"
#include "engine/status_report.hpp"
#include "engine/write_chain.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// --- Actions the daemon carries out -------------------------------------------------------

// Launch commands.start as an owned child (own process group, output to the job's log).
// Reply with Engine::on_start_launched, later Engine::on_child_exited.
struct LaunchStart {
  std::string job_id;
};
// Run commands.status with the job's statusTimeoutSeconds. Reply with Engine::on_probe_result.
struct LaunchProbe {
  std::string job_id;
};
// Ask the job to stop: commands.stop if given, else SIGTERM to the owned process group, else
// SIGTERM to `pid` (from the status report) when set.
struct LaunchStop {
  std::string job_id;
  std::optional<std::int64_t> pid;
};
// Stop escalation: SIGKILL the owned process group, else `pid`.
struct KillJob {
  std::string job_id;
  std::optional<std::int64_t> pid;
};
// Run a one-shot job's commands.run (queue item `queue_item_id`; "" when run directly).
// Reply with Engine::on_one_shot_finished. With `verify`: run the write job's commands.verify
// instead and reply with Engine::on_verify_finished.
struct LaunchOneShot {
  std::string job_id;
  std::string queue_item_id;
  bool verify = false;
};

// One job's part of a message (docs/notifications.md layout); message_builder.hpp renders sections.
struct ReportSection {
  std::string job_id;
  std::string name;
  std::optional<JobKind> kind;  // nullopt: the daemon itself (no job kind shown)
  std::string state;            // "- 状态" line: state / running / completed ...
  std::string info;             // "- 信息" line ("" = omitted)
  std::string progress_json;    // "- 进度" line rendered from it ("" = omitted)
  std::string estimate;         // "- 预计" line: ratio, rate, ETA ("" = omitted)
  std::string action_required;  // "- ACTION REQUIRED" line ("" = omitted)
  std::string autorun;          // "- AUTORUN" line ("" = omitted)
  // For a live card (engine/card_text.hpp); unset = not shown.
  TimeMs started_at = 0;                    // when the run began (0 = unknown)
  std::optional<double> progress_ratio{};   // 0..1
  std::optional<double> rate_per_second{};  // progress units per second
  std::optional<TimeMs> eta_at{};           // when it should be done
};

// A report to deliver. `alert` messages break quiet hours and ring; routine ones are silent.
// With `card`, the section is the new content of the job's live card (notify.progress
// "card"): never an alert; `message` says whether it would have been a message of its own
// with notify.progress "messages" (what a notifier that cannot edit sends); `final` closes
// the card (the job ended: the next update sends a new card).
struct Notify {
  ReportSection section;
  bool alert = false;
  bool card = false;
  bool message = true;
  bool final = false;
};

using Action = std::variant<LaunchStart, LaunchProbe, LaunchStop, KillJob, LaunchOneShot, Notify>;
using Actions = std::vector<Action>;

// What one engine call decided: the one value every call returns. The caller carries out
// `actions`, appends `audit` to the audit log and, when `state_changed`, persists state().
struct Step {
  Actions actions;
  std::vector<AuditEvent> audit;  // approvals, refusals, write runs, verifications; in order
  bool state_changed = false;
};

// What a request (RPC) got: an error (nothing happened but what `audit` records) or a message
// for the caller, plus the step.
struct Outcome : Step {
  Outcome(std::optional<Refused> e = std::nullopt, std::string m = "", Actions a = {})
      : Step{std::move(a), {}, false}, error(std::move(e)), message(std::move(m)) {}
  std::optional<Refused> error;
  std::string message;
  bool ok() const { return !error; }
};

struct ReloadSummary : Step {
  std::vector<std::string> added, removed, changed;
};

struct ReportInput;
enum class ReportKind;

class Engine {
 public:
  Engine(Config config, State state);

  // After loading: schedule first polls; decide what to do with jobs that were running when
  // the previous daemon stopped (probe them; resume if auto-resume allows, else report paused
  // with ACTION REQUIRED).
  Step on_startup(TimeMs now);
  // The same, keeping as owned the children of `adopted` jobs: their owned_pid was found alive
  // with the recorded identity (OwnedIdentity) and the daemon now watches it for exit
  // (engine_adopt.cpp). Every other owned_pid is forgotten as above.
  Step on_startup(TimeMs now, const std::set<std::string>& adopted);
  // The launched child `pid` of a job (on_start_launched) has this identity (read by the daemon
  // from /proc): recorded so that a later opsd can adopt it. Ignored when pid is not owned.
  Step on_child_identity(const std::string& job_id, std::int64_t pid, const OwnedIdentity& id,
                         TimeMs now);
  // Whatever is due at `now`: polls, queue items, backoff expiry, stop escalation, reminders.
  Step on_timer(TimeMs now);
  // The earliest time on_timer has something to do; nullopt = nothing scheduled.
  std::optional<TimeMs> next_deadline() const;

  // --- Events from the daemon ---
  Step on_probe_result(const std::string& job_id, const ProbeResult& result, TimeMs now);
  // `pid` is the launched child, or nullopt with `error` when it could not be launched.
  Step on_start_launched(const std::string& job_id, std::optional<std::int64_t> pid,
                         const std::string& error, TimeMs now);
  // An owned long-running child exited (exit_code < 0: killed by signal -exit_code).
  Step on_child_exited(const std::string& job_id, int exit_code, TimeMs now);
  // A one-shot run ended. `output_tail`: last lines of its stdout+stderr.
  Step on_one_shot_finished(const std::string& job_id, const std::string& queue_item_id,
                            int exit_code, const std::string& output_tail, TimeMs now);
  // A write job's commands.verify (LaunchOneShot::verify) ended.
  Step on_verify_finished(const std::string& job_id, int exit_code, const std::string& output_tail,
                          TimeMs now);
  // --- The same events with what the daemon saw of the exit (engine_runs.cpp) ---
  // Recorded as the job's lastExit; the status probe it triggers says whether the job completed
  // (its report says how long it took) or crashed: an alert naming the exit, the run time, the
  // log tail and what happens next. An exit while stopping on request is no crash.
  Step on_child_exited(const std::string& job_id, const ExitInfo& exit, TimeMs now);
  // Recorded in the job's runs (the last kMaxRunRecords), then handled as above with the
  // matching lines and the tails as the output.
  Step on_one_shot_finished(const std::string& job_id, const std::string& queue_item_id,
                            const OneShotResult& result, TimeMs now);
  Step on_verify_finished(const std::string& job_id, const OneShotResult& result, TimeMs now);

  // --- Requests (RPC) ---
  Outcome request_start(const std::string& job_id, bool allow_risk, TimeMs now);
  Outcome request_stop(const std::string& job_id, TimeMs now);
  Outcome request_run(const std::string& job_id, TimeMs now);
  // As above; `uid` is the caller's, for the audit log of write runs and refusals.
  Outcome request_run(const std::string& job_id, TimeMs now, std::int64_t uid);
  Outcome request_enqueue(const std::string& job_id, TimeMs not_before, const std::string& source,
                          TimeMs now);
  // Probe every enabled long_running_read job now and run due queue items.
  Step request_tick(TimeMs now);
  // The wall clock was stepped by `delta` ms: every persisted age and deadline moves with it
  // (shift_durations, state/clock_shift.hpp), so none is cut short or held back.
  Step on_clock_step(TimeMs delta);
  // Apply a new, already validated config: only the difference is touched.
  ReloadSummary reload(Config config, TimeMs now);

  // --- Additions (opsd engine) ---
  // Record a one-time approval of a one_shot_write job (docs/write-jobs.md), bound to
  // fingerprint(job).
  Outcome request_approve(const std::string& job_id, TimeMs ttl_ms, std::int64_t uid,
                          const std::string& note, TimeMs now);
  // Mute a long_running_read job until `until` (wall ms, > now): its reminders and routine
  // reports are held until then, or until something new gets through (engine/mute.hpp).
  // Audited as "mute" (note = `note`); a mute replaces the one before.
  Outcome request_mute(const std::string& job_id, TimeMs until, const std::string& note,
                       std::int64_t uid, TimeMs now);
  // Ends a mute (audited as "unmute"); a job that is not muted is no error.
  Outcome request_unmute(const std::string& job_id, std::int64_t uid, TimeMs now);
  // The daemon is shutting down: LaunchStop for every owned child without changing job states
  // (so jobs persisted as running are resumed on the next start). Afterwards the engine ignores
  // child exits and probe results and on_timer does nothing.
  Step on_shutdown(TimeMs now);
  // Every long_running_read job's section as it stands (for `tick --print-only` and status).
  std::vector<ReportSection> snapshot() const;
  // Local minute of the day at a wall-clock time, for quiet hours. Default: UTC.
  void set_local_time(std::function<int(TimeMs)> local_minute);
  // Uses clock.local_minute_of_day; `clock` must outlive the engine.
  void set_local_time(const Clock& clock);
  // The fingerprint of a job's definition that approvals are bound to: job_fingerprint
  // (config/fingerprint.hpp, SHA-256 of kind, risk, cwd and commands).
  std::string fingerprint(const Job& job) const;

  const Config& config() const { return config_; }
  const State& state() const { return state_; }

 private:
  // The bodies of the calls above (engine*.cpp); each public call returns its body's result
  // with the audit events and the state change it recorded (engine_step.cpp).
  Actions decide_startup(TimeMs now);
  Actions decide_timer(TimeMs now);
  Actions decide_probe_result(const std::string& job_id, const ProbeResult& result, TimeMs now);
  Actions decide_start_launched(const std::string& job_id, std::optional<std::int64_t> pid,
                                const std::string& error, TimeMs now);
  Actions decide_child_exited(const std::string& job_id, int exit_code, TimeMs now);
  Actions decide_one_shot_finished(const std::string& job_id, const std::string& queue_item_id,
                                   int exit_code, const std::string& output_tail, TimeMs now);
  Actions decide_verify_finished(const std::string& job_id, int exit_code,
                                 const std::string& output_tail, TimeMs now);
  Actions decide_child_exited(const std::string& job_id, const ExitInfo& exit, TimeMs now);
  Actions decide_one_shot_finished(const std::string& job_id, const std::string& queue_item_id,
                                   const OneShotResult& result, TimeMs now);
  Actions decide_verify_finished(const std::string& job_id, const OneShotResult& result,
                                 TimeMs now);
  Actions decide_tick(TimeMs now);
  Actions decide_shutdown(TimeMs now);
  Outcome decide_start(const std::string& job_id, bool allow_risk, TimeMs now);
  Outcome decide_stop(const std::string& job_id, TimeMs now);
  Outcome decide_run(const std::string& job_id, TimeMs now, std::int64_t uid);
  Outcome decide_enqueue(const std::string& job_id, TimeMs not_before, const std::string& source,
                         TimeMs now);
  Outcome decide_approve(const std::string& job_id, TimeMs ttl_ms, std::int64_t uid,
                         const std::string& note, TimeMs now);
  ReloadSummary decide_reload(Config config, TimeMs now);
  // --- mute and restart on stall (engine_mute.cpp, engine_stall.cpp) ---
  Outcome decide_mute(const std::string& job_id, TimeMs until, const std::string& note,
                      std::int64_t uid, TimeMs now);
  Outcome decide_unmute(const std::string& job_id, std::int64_t uid, TimeMs now);
  // A stalled job with policy.onStall "restart": stop it (restart_on_stall set) unless
  // maxAutoResumes is reached; the AUTORUN note to add to its stall report (nullopt: nothing
  // done).
  std::optional<std::string> restart_if_stalled(const Job& job, JobRuntime& rt, TimeMs now,
                                                Actions& out);
  // The job stopped for a restart on stall: resume it now (counted as an auto-resume), after
  // the backoff, or give up. Returns the AUTORUN note.
  std::string resume_after_stall(const Job& job, JobRuntime& rt, TimeMs now, Actions& out);
  // `r` with what was recorded since the last call (audit_, dirty_), which is then reset.
  template <class R>
  R sealed(R r);
  Step sealed(Actions actions);

  JobRuntime* long_runtime(const std::string& job_id, const Job** job);
  bool polled(const Job& job, const JobRuntime& rt) const;
  bool wants_running(const Job& job, const JobRuntime& rt) const;
  bool quiet(const Job& job, TimeMs now) const;
  const std::string& locale() const { return config_.notify.locale; }
  void schedule_poll(const Job& job, JobRuntime& rt, TimeMs now);
  void launch_probe(const Job& job, JobRuntime& rt, TimeMs now, Actions& out);
  std::string apply_status(const Job& job, JobRuntime& rt, const StatusReport& r, TimeMs now,
                           Actions& out);
  std::string handle_not_running(const Job& job, JobRuntime& rt, TimeMs now, Actions& out);
  // Decides and emits the job's report; `note` = the current AUTORUN note (nullopt: unknown,
  // keep the last one).
  void report_long(const Job& job, JobRuntime& rt, const std::optional<std::string>& note,
                   TimeMs now, Actions& out);
  // With notify.progress "card": the job's card update (engine/card_report.hpp) when there is
  // one; false with "messages". `in`: report_long's input; `kind`: what it decided.
  bool report_card(const Job& job, const JobRuntime& rt, const ReportInput& in, ReportKind kind,
                   TimeMs now, Actions& out);
  struct Enqueued {
    std::string job_id;
    std::string item_id;
  };
  std::vector<Enqueued> enqueue_after(const Job& parent, bool success, TimeMs now, Actions& out);
  void run_queue(TimeMs now, Actions& out);
  void run_queue_items(TimeMs now, Actions& out);
  // `run`: the run's record, for the report's status line (nullopt: from the exit code).
  void finish_read(const Job& job, const QueueItem* item, int exit_code, const std::string& output,
                   TimeMs now, Actions& out, const JobRun* run = nullptr);
  // A one-shot's failing `run` repeats, under an active mute, the failure before it: its report
  // is held. Otherwise the job's mute, if any, ends (engine/mute.hpp).
  bool muted_repeat(const Job& job, const JobRun* run, TimeMs now);
  void audit(std::string event, const Job& job, std::int64_t uid, std::optional<int> exit_code,
             std::string note, TimeMs now);
  // --- write jobs and their verification chains (engine_write.cpp) ---
  Outcome run_write(const Job& job, TimeMs now, std::int64_t uid);
  void finish_write(const Job& job, int exit_code, const std::string& output, TimeMs now,
                    Actions& out);
  // A queue item that is one of a chain's verifications ended; false when no chain knows it.
  bool finish_chain_item(const Job& job, const QueueItem& item, int exit_code,
                         const std::string& output, TimeMs now, Actions& out);
  void end_verification(WriteChain& chain, std::size_t index, int exit_code,
                        const std::string& output, TimeMs started_at, TimeMs now, Actions& out);
  // Reports and forgets settled chains.
  void settle_chains(TimeMs now, Actions& out);
  // Chain verifications whose queue items were skipped or dropped count as failed.
  void settle_skipped_verifications(TimeMs now, Actions& out);
  // After a restart (state_.write_chains as persisted): a write that had not ended has an
  // unknown outcome (alerted, never run again, its verifications still run); a commands.verify
  // that had not ended runs again.
  void restore_chains(TimeMs now, Actions& out);
  // --- schedules (schedule_driver.cpp) ---
  // Plans every scheduled job's next due time and runs the due ones; the first call of a
  // daemon run applies catchUp to due times missed while opsd was down.
  void run_schedules(TimeMs now, Actions& out);
  void run_scheduled(const Job& job, JobRuntime& rt, bool caught_up, TimeMs now, Actions& out);
  bool schedules_planned_ = false;

  // --- run records and exits (engine_runs.cpp) ---
  // A direct run starts: its number (JobRuntime::runs_started) and start time.
  void begin_direct_run(const std::string& job_id, TimeMs now);
  JobRun& record_run(const std::string& job_id, JobRun rec);
  // The probe after an owned child's exit: completed, crashed, or still running (detached).
  void judge_exit(const Job& job, JobRuntime& rt, const std::optional<std::string>& note,
                  TimeMs now, Actions& out);
  // The newest pending write run of `job_id` learns how its chain ended.
  void settle_run_chain(const std::string& job_id, const std::string& outcome);
  Actions finish_one_shot(const std::string& job_id, const std::string& queue_item_id,
                          int exit_code, const std::string& output, const JobRun* run, TimeMs now);

  Config config_;
  State state_;
  bool dirty_ = false;  // state_ changed during the current call
  // Not persisted: what is in flight in this daemon run.
  std::set<std::string, std::less<>> probing_;         // a LaunchProbe is outstanding
  std::set<std::string, std::less<>> probe_again_;     // probe once more when it returns
  std::set<std::string, std::less<>> direct_running_;  // one-shot run outside the queue
  struct RunStart {
    std::uint64_t number = 0;
    TimeMs started_at = 0;
  };
  std::map<std::string, RunStart, std::less<>> direct_runs_;  // by job id, while it runs
  // The report_digest each job's card last showed (not persisted: after a restart every card
  // is refreshed once).
  std::map<std::string, std::string, std::less<>> card_shown_;
  bool shutting_down_ = false;
  std::set<std::string, std::less<>> adopt_at_startup_;  // on_startup's `adopted` (engine_adopt)
  std::function<int(TimeMs)> local_minute_;
  std::vector<AuditEvent> audit_;  // recorded during the current call
};

}  // namespace opsd
