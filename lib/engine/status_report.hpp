// A job's own account of itself: the parsed output of `commands.status` (docs/status-contract.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace opsd {

struct StatusReport {
  bool running = false;             // required
  bool completed = false;           // required
  std::optional<std::int64_t> pid;  // > 0 when given
  std::string stop_reason;          // stopReason
  std::string progress_json;  // `progress` object re-serialized with sorted keys; "" if absent
  std::string progress_key;   // progressKey, or derived from progress_json; "" if neither
  std::string level;          // "ok" | "warn" | "alert" | ""
  std::string message;
};

// The outcome of one status probe: a report, or the reason the probe failed
// (exit code, timeout, empty, oversized, not JSON, wrong types). A probe failure is not a
// job failure.
struct ProbeResult {
  std::optional<StatusReport> report;
  std::string error;  // non-empty iff !report
};

}  // namespace opsd
