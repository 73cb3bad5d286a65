// How a job's processes ended, as opsctl status prints it: the LAST RUN column and the run
// history of `opsctl status <job>`. Input: a job object of the `status` answer (rpc/run_view.hpp).
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "util/clock.hpp"

namespace opsd {

// "ok 3m ago 0.4s", "exit 4 1h ago 2.0s", "timeout 5m ago 2.0s", "SIGKILL 2m ago 12s" (from
// lastRun, else lastExit); "-" when there is neither.
std::string last_run_cell(const boost::json::object& job, TimeMs now);

// "runs of <id>:" and one line per run, newest first ("" when the job has no runs):
//   #12 ok       2026-12-01T17:02:03Z  0.4s  run
//   #11 exit 4   2026-12-01T16:58:00Z  1.2s  queue:opsctl  ALERT: disk almost full
std::string render_run_history(const boost::json::object& job);

}  // namespace opsd
