// What a mute (`opsctl mute`, docs/engine.md "mute") holds back. Pure: no I/O.
#pragma once

#include <string_view>

#include "engine/report_policy.hpp"
#include "state/run_record.hpp"
#include "util/clock.hpp"

namespace opsd {

// The length of a mute when `opsctl mute` is given no --for.
constexpr TimeMs kDefaultMute = seconds(3600);

// Whether an active mute holds a report of `kind` (ReportKind::none: an AUTORUN note alone)
// about a job whose status class is `status_class` (engine/job_report.hpp). Held: reminders,
// routine reports and AUTORUN notes. Through: a new anomaly (an alert: a new stall, a failing
// probe, a crash, given_up), a recovery and a completion. A report that gets through ends the
// mute: the situation the person knew about has changed.
bool mute_holds(ReportKind kind, std::string_view status_class);

// For a one-shot read job: whether an active mute holds the report of `run`, which needs
// attention. Held: a run that fails the way `previous` (the run before it) failed (the same exit
// code, signal, timeout and ALERT / ACTION REQUIRED lines): a reminder of what the person knew.
// Through: any other failure (a new anomaly), which ends the mute like the above.
bool mute_holds_run(const JobRun& run, const JobRun* previous);

}  // namespace opsd
