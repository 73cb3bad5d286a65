// The job configuration model (ops-jobs.json, version 1; docs/config.md). Plain data, no I/O.
// Loading and validation live in config/config_loader.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/job_index.hpp"
#include "schedule/schedule.hpp"

namespace opsd {

enum class JobKind { long_running_read, one_shot_read, one_shot_write };
enum class Risk { read_only, write_local, write_external };
enum class AfterWhen { success, failure, always };
// policy.onStall: what a stall leads to (docs/engine.md "restart on stall").
enum class OnStall { alert, restart };

std::string_view to_string(JobKind k);
std::string_view to_string(Risk r);
std::string_view to_string(AfterWhen w);
std::optional<JobKind> parse_job_kind(std::string_view s);
std::optional<Risk> parse_risk(std::string_view s);
std::optional<AfterWhen> parse_after_when(std::string_view s);

// Quiet hours in local time, minutes after midnight. start == end means no quiet hours.
// The interval may wrap past midnight (23:00-08:00).
struct QuietHours {
  int start_minute = 23 * 60;  // "23:00"
  int end_minute = 8 * 60;     // "08:00"
  bool operator==(const QuietHours&) const = default;
};

// policy.progressKeys: which keys of a status report's `progress` object give its ratio
// (engine/progress_rate.hpp). Either `done` and `total`, or `percent` (0-100); all "" = the
// usual names (done/total, processed/total, percent, ...). A key may be a dotted path ("a.b").
struct ProgressKeys {
  std::string done{};
  std::string total{};
  std::string percent{};
  bool operator==(const ProgressKeys&) const = default;
};

// Per-job policy: the `defaults` block, overridden field by field by `jobs[].policy`.
struct Policy {
  QuietHours quiet_hours;                          // quietHours {start,end} ["23:00","08:00"]
  ProgressKeys progress_keys;                      // progressKeys [the usual names]
  std::int64_t report_every_seconds = 1800;        // reportEverySeconds: routine report interval
  std::int64_t stall_seconds = 3600;               // stallSeconds: unchanged progressKey => stalled
  bool auto_resume = false;                        // autoResume: restart crashed read-only jobs
  std::int64_t auto_resume_backoff_seconds = 900;  // autoResumeBackoffSeconds: min gap between
  bool only_on_change = true;        // onlyOnChange: routine report only when content changed
  bool report_while_running = true;  // reportWhileRunning: routine reports while running
  std::int64_t poll_seconds = 60;    // pollSeconds: status probe interval (opsd)
  std::int64_t status_timeout_seconds = 30;  // statusTimeoutSeconds: probe timeout (opsd)
  std::int64_t stop_timeout_seconds = 30;    // stopTimeoutSeconds: SIGTERM->SIGKILL (opsd)
  int max_auto_resumes = 5;  // maxAutoResumes: per rolling hour, then given_up (opsd)
  std::int64_t run_timeout_seconds = 3600;  // runTimeoutSeconds: one-shot run limit (opsd)
  // autoResumeBackoffMaxSeconds [3600]: the auto-resume wait doubles up to this (opsd)
  std::int64_t auto_resume_backoff_max_seconds = 3600;
  // healthyAfterSeconds [600]: running healthy this long starts the wait over (opsd)
  std::int64_t healthy_after_seconds = 600;
  OnStall on_stall = OnStall::alert;  // onStall ["alert"] | "restart" (opsd)
  bool operator==(const Policy&) const = default;
};

// argv arrays, executed without a shell. Empty vector = not given.
struct Commands {
  std::vector<std::string> start;   // long_running_read: required
  std::vector<std::string> status;  // long_running_read: required
  std::vector<std::string> stop;    // long_running_read: optional
  std::vector<std::string> run;     // one_shot_*: required
  std::vector<std::string> verify;  // one_shot_write: optional extra verification
  bool operator==(const Commands&) const = default;
};

struct ApprovalConfig {
  bool required = true;  // approval.required [true]; only honoured false for write_local
  bool granted = false;  // approval.granted [false]; true = standing approval
  bool operator==(const ApprovalConfig&) const = default;
};

struct AfterEntry {
  std::string job_id;                   // jobId: job to enqueue when this one ends
  AfterWhen when = AfterWhen::success;  // when ["success"]
  std::int64_t delay_seconds = 0;       // delaySeconds [0]
  bool operator==(const AfterEntry&) const = default;
};

struct Job {
  std::string id;    // non-empty, unique
  std::string name;  // [id]
  JobKind kind = JobKind::long_running_read;
  Risk risk = Risk::read_only;
  bool enabled = false;  // [false]
  std::string cwd;       // absolute after loading: [STATE], `~` expanded, relative to config dir
  Commands commands;
  Policy policy;  // defaults merged with the job's overrides
  ApprovalConfig approval;
  std::vector<AfterEntry> after;
  std::optional<Schedule> schedule;  // schedule: when it runs by itself [none]
  bool operator==(const Job&) const = default;
};

// `notify.heartbeat` (opsd's own): the dead-man's switch (metrics/heartbeat.hpp).
struct HeartbeatConfig {
  std::string url;                   // url: healthchecks-style ping URL ("" = no heartbeat)
  std::int64_t every_seconds = 300;  // everySeconds [300]: seconds between pings
  bool operator==(const HeartbeatConfig&) const = default;
};

// Top-level `metrics` block (opsd's own): Prometheus exposition (lib/metrics).
struct MetricsConfig {
  std::string listen;    // listen: "host:port" or an absolute Unix socket path ("" = none)
  std::string textfile;  // textfile: absolute path rewritten atomically ("" = none)
  bool operator==(const MetricsConfig&) const = default;
};

// How a long job's progress is shown (notify.progress).
enum class NotifyProgress { card, messages };

// Top-level `notify` block (opsd's own).
struct NotifyConfig {
  std::string target;  // chat id; empty = resolve from openclaw.json
  std::string channel = "telegram";
  std::string locale = "zh";   // "zh" | "en"
  bool silent_routine = true;  // routine messages with disable_notification
  HeartbeatConfig heartbeat;   // heartbeat [none]
  // progress ["card"]: "card" = one live, edited message per long job; "messages" = a new
  // message per report (the original tool).
  NotifyProgress progress = NotifyProgress::card;
  std::int64_t card_edit_seconds = 10;  // cardEditSeconds [10]: least gap between a card's edits
  std::int64_t group_wait_seconds = 3;  // groupWaitSeconds [3]: sections within it: one message
  std::string thread_id;                // threadId: forum topic of every message ("" = none)
  std::string alerts_target;            // alerts.target: chat for alerts ("" = target)
  std::string alerts_thread_id;         // alerts.threadId: topic for alerts ("" = see docs)
  bool operator==(const NotifyConfig&) const = default;
};

struct Config {
  int version = 1;
  Policy defaults;
  std::vector<Job> jobs;
  NotifyConfig notify;
  MetricsConfig metrics;
  std::string source_path;  // the file it was loaded from, for messages

  // O(1) by id (config/job_index.hpp).
  const Job* find(std::string_view id) const { return index_.find(jobs, id); }

  JobIndex index_;  // find()'s cache; not part of the config
};

}  // namespace opsd
