// When a job's report goes out (docs/engine.md, reports). Pure: no I/O.
// Dedup state lives in JobRuntime (last_report_digest, last_report_at, last_anomaly_key,
// last_alert_at) and is updated when a report is decided, independent of delivery.
#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"
#include "engine/engine.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// Minimum gap between reminders of an unchanged anomaly: max(900 s, reportEverySeconds).
TimeMs reminder_interval(const Policy& policy);

// Digest of a section's reportable content: "<status_class>|<hex hash>". Stable across builds
// (it is persisted).
std::string report_digest(std::string_view status_class, const ReportSection& section);
// The status class part of a digest ("" for an empty digest).
std::string_view digest_class(std::string_view digest);

enum class ReportKind {
  none,
  alert,     // a new anomaly (its key differs from the last one reported)
  reminder,  // the same anomaly, reminder_interval after the last alert
  recovery,  // the anomaly reported last is gone
  routine,   // progress / status change; never during quiet hours
};

struct ReportInput {
  std::string anomaly_key;   // "" = no anomaly now
  std::string status_class;  // running | completed | paused | stopped | ...
  std::string digest;        // report_digest() of the section as it would be sent
  std::string progress_key;  // the job's progressKey now ("" = none)
  bool running = false;
  bool quiet = false;  // inside the job's quiet hours now
};

// Alerts, reminders and recoveries ignore quiet hours. Routine: a status class change at once;
// while running (and reportWhileRunning), as the original tool did: a sign of life once
// reportEverySeconds passed since the last report, even when nothing changed, and with
// onlyOnChange also at once when the progressKey differs from the one last reported.
ReportKind decide_report(const JobRuntime& rt, const Policy& policy, const ReportInput& in,
                         TimeMs now);

// Records a decided report in rt's dedup fields (nothing for ReportKind::none).
void record_report(JobRuntime& rt, const ReportInput& in, ReportKind kind, TimeMs now);

inline bool is_alert(ReportKind k) { return k == ReportKind::alert || k == ReportKind::reminder; }

}  // namespace opsd
