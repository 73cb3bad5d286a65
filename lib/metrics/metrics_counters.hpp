// Counters the daemon keeps for /metrics that the persisted State does not hold. Plain data,
// owned by the daemon, NOT persisted: like any Prometheus counter they restart from 0 with
// opsd (rate() and increase() handle the reset). auto-resumes come from State and survive.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "util/clock.hpp"

namespace opsd {

struct JobCounters {
  std::uint64_t probe_failures_total = 0;  // status probes that failed, this run
  std::optional<int> last_exit_code;       // long job: its owned child; one-shot: its last run
  TimeMs last_run_at = 0;                  // one-shot: when its last run ended (0 = not yet)
  std::optional<bool> last_run_success;    // one-shot: exit 0 (set with last_run_at)
};

struct HeartbeatCounters {
  std::uint64_t pings_total = 0;     // attempts, either URL
  std::uint64_t failures_total = 0;  // attempts that got no 2xx answer
  TimeMs last_success_at = 0;        // 0 = never
  bool last_was_fail = false;        // the last ping went to <url>/fail
  std::string last_error;            // "" once a ping succeeds (secret parts redacted)
};

struct MetricsCounters {
  std::map<std::string, JobCounters, std::less<>> jobs;
  std::uint64_t messages_alert_total = 0;    // messages handed to the notifier as alerts
  std::uint64_t messages_routine_total = 0;  // ... as routine reports
  std::uint64_t delivered_total = 0;         // outbox messages delivered
  std::uint64_t failed_total = 0;            // outbox messages dropped after a permanent error
  HeartbeatCounters heartbeat;
};

}  // namespace opsd
