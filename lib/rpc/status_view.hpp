// The `status` answer (SPEC §9 schema), built from memory: config + state, no I/O.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "state/state.hpp"

namespace opsd {

struct DaemonInfo {
  std::string version;
  std::int64_t pid = 0;
  TimeMs started_at = 0;
  std::string config_file;
  std::string state_dir;
  std::string socket;
  std::string notifier;  // e.g. "print-only", "telegram (openclaw, then Bot API)"
};

// {"daemon": {...}, "jobs": [...], "queue": [...], "outbox": {...}, "approvals": [...]}.
// Times are ISO 8601 UTC strings, absent values null. `only_job` non-empty keeps that job only.
boost::json::object render_status(const Config& config, const State& state, const DaemonInfo& info,
                                  std::string_view only_job, TimeMs now);

// One job's entry of the "jobs" array.
boost::json::object render_job_status(const Job& job, const JobRuntime* rt, TimeMs now);

}  // namespace opsd
