// Every text a person receives in a report or an alert, in zh and en, from one table
// (report_text.cpp): the message layout, job sections, write-chain outcomes, refusals sent as
// alerts, and the daemon's own alerts. Locale "en" gives English; anything else zh.
// Status lines (`- 状态`) keep one vocabulary in both locales, as job state names do: the
// original tool's users and scripts match on them. Texts opsctl prints for a refused request
// are in engine/refusal.hpp (English, the language of opsctl).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace opsd {

enum class Text {
  // Message layout (message_builder.cpp).
  header,          // before the time
  time_open,       // around the time
  time_close,      //
  label_status,    // "- 状态" line
  label_info,      // "- 信息" line
  label_progress,  // "- 进度" line
  label_estimate,  // "- 预计" line: ratio, rate, ETA (progress_text.cpp)
  time_left,       // {duration}: the ETA on that line
  // Long jobs: status lines, anomalies and recoveries (job_report.cpp).
  status_completed,      //
  status_running_pid,    // {pid}
  status_paused_reason,  // {stopReason}
  status_probe_failed,   // {error}
  stalled_for,           // {seconds}
  probe_failing_action,  // {failures in a row}
  given_up_action,       // {maxAutoResumes} {job id}
  stalled_action,        // {stallSeconds}
  paused_action,         //
  recovered_probe,       //
  recovered_progress,    //
  recovered_alert,       //
  recovered,             //
  exit_code_unknown,     // a re-adopted job's exit (exit_report.cpp): not opsd's child
  // AUTORUN lines (resume_policy.cpp); also kept in the state file to report each change once.
  autorun_blocked,                 //
  autorun_backoff,                 // {autoResumeBackoffSeconds}
  autorun_resumed_after_cooldown,  //
  autorun_resumed,                 // {attempt} {maxAutoResumes}
  autorun_given_up,                // {maxAutoResumes}
  // Restart on stall (engine_stall.cpp), in the job's locale.
  autorun_stall_restarting,      // {attempt} {maxAutoResumes}
  autorun_stall_restarted,       // {attempt} {maxAutoResumes}
  autorun_stall_restart_capped,  // {maxAutoResumes}
  // One-shot read jobs whose end needs a person (engine_one_shot.cpp).
  one_shot_done,    //
  one_shot_failed,  // {exit code}
  // The queue and after chains (engine_one_shot.cpp).
  queue_item_skipped,  // {queue item id}
  queued_job_refused,  // {why}
  after_chain_state,   //
  after_not_enqueued,  // {problem}
  // Write jobs and their verification chains (engine_write.cpp, engine_one_shot.cpp).
  write_refused_state,          //
  approval_needed_action,       // {job id}
  write_failed_state,           // {exit code}
  write_failed_action,          //
  verification_still_runs,      // {verification names}, appended to an action line
  write_done_state,             //
  awaiting_verification,        // {verification names}
  verified_state,               // {verification names}
  verification_failed_state,    // {summary}
  verification_failed_action,   //
  unverified_state,             //
  unverified_action,            //
  write_outcome_unknown_state,  //
  write_outcome_unknown_note,   // {note}: the state line of a settled chain
  check_write_action,           //
  verification_info,            // {summary}
  // The daemon's own alerts (service/).
  reload_refused_action,    // {config file}
  config_invalid_state,     //
  config_invalid_info,      // {config file} {error lines}
  config_runs_last_good,    // {copy of the last good config}
  config_runs_none,         //
  config_fix_applies,       // {config file}
  crash_loop_state,         //
  crash_loop_info,          // {unclean starts} {window minutes}
  crash_loop_action,        //
  state_corrupt_state,      //
  state_corrupt_info,       // {error} {quarantined to}
  state_corrupt_action,     //
  state_not_saved_state,    //
  state_not_saved_info,     // {state file} {error}
  state_not_saved_action,   //
  state_saved_again_state,  //
  state_saved_again_info,   // {state file}
  state_large_state,        //
  state_large_info,         // {size MiB} {cap MiB} {jobs}
  state_large_action,       // {state file}
};

// The text of `t` in `locale`, placeholders ("{}") unfilled.
std::string_view text(Text t, std::string_view locale);

// The text of `t` in `locale` with each "{}" replaced by the next of `args` in order (missing
// args leave "{}" as is; extra args are ignored).
std::string text(Text t, std::string_view locale, std::initializer_list<std::string_view> args);

}  // namespace opsd
