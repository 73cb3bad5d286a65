// The Prometheus text exposition (format 0.0.4) of opsd's state. Pure: no I/O, no clock.
// The metric names, types and labels are the README's "Metrics reference".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "metrics/metrics_counters.hpp"
#include "metrics/process_stats.hpp"
#include "state/state.hpp"

namespace opsd {

// What one scrape shows. References must stay valid during render_metrics.
struct MetricsSnapshot {
  std::string_view version;  // opsd's version, for opsd_build_info
  TimeMs started_at = 0;     // when this opsd started
  const Config& config;
  const State& state;
  const OutboxState& outbox;
  const MetricsCounters& counters;
  std::optional<ProcessStats> process;  // nullopt: no process_* metrics
  TimeMs now = 0;
};

// The Content-Type of render_metrics' output.
inline constexpr std::string_view kExpositionContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Every family with its HELP and TYPE; per-job series carry `job_id` for each configured job
// (jobs only in the state file are left out).
std::string render_metrics(const MetricsSnapshot& snapshot);

// A label value escaped for the exposition format (\\, \" and \n).
std::string escape_label_value(std::string_view v);

// progress as a ratio in [0, 1] when the `progress` object says it: a numeric "percent" (or
// "pct") / 100, else done/total for the first numeric pair among done|current|processed|
// completed|count and total (total > 0). nullopt otherwise.
std::optional<double> progress_ratio(std::string_view progress_json);

}  // namespace opsd
