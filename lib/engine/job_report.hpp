// How a job's situation reads in a report: status line, anomaly key, ACTION REQUIRED and
// recovery texts (zh/en). Pure helpers for the engine.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "engine/engine.hpp"
#include "state/state.hpp"

namespace opsd {

// Consecutive probe failures before an alert (SPEC §4).
constexpr int kProbeFailuresBeforeAlert = 2;
// At most this many bytes of a one-shot's output go into a report.
constexpr std::size_t kMaxOutputInReport = 800;

// `en` when locale is "en", else `zh`.
std::string tr(const std::string& locale, std::string_view zh, std::string_view en);

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

// `s` whitespace-trimmed and, when longer than `max_bytes`, cut to its last `max_bytes` after
// a "…" (the end of a command's output says how it ended: a final ALERT line survives),
// without splitting a UTF-8 sequence.
std::string clip_utf8(std::string_view s, std::size_t max_bytes);
// Output asking for a person: contains "ACTION REQUIRED" or "ALERT".
bool needs_attention(std::string_view output);

}  // namespace opsd
