// How a job's situation reads in a report: status line, anomaly key, ACTION REQUIRED and
// recovery texts (the words are in report_text.hpp). Pure helpers for the engine.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "engine/engine.hpp"
#include "state/state.hpp"

namespace opsd {

// Consecutive probe failures before an alert (docs/status-contract.md).
constexpr int kProbeFailuresBeforeAlert = 2;
// At most this many bytes of a one-shot's output go into a report.
constexpr std::size_t kMaxOutputInReport = 800;

// A section naming the job, with no lines yet.
ReportSection job_section(const Job& job);

// running | completed | paused | starting | stopping | stopped: what a routine report keys on.
std::string status_class(const JobRuntime& rt);

// The section of a long_running_read job from its last known status.
ReportSection long_job_section(const Job& job, const JobRuntime& rt);

// The anomaly the job shows now ("" = none): "probe", "given_up", "stalled:<progressKey>",
// "paused:<stopReason>|<message>", "level:<message>" (state/legacy_fields.cpp maps the
// original tool's keys to these).
std::string anomaly_key(const JobRuntime& rt);
// The ACTION REQUIRED text for the job's current anomaly ("" when none needs a person).
std::string anomaly_action(const Job& job, const JobRuntime& rt, const std::string& locale);
// The info text of a recovery notice from the anomaly key that was reported.
std::string recovery_info(std::string_view last_key, const std::string& locale);

// Output asking for a person: contains "ACTION REQUIRED" or "ALERT".
bool needs_attention(std::string_view output);

}  // namespace opsd
