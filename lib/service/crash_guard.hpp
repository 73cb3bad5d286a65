// Crash-loop guard. launchd restarts a crashed opsd forever (ThrottleInterval only spaces the
// restarts) and systemd's start limit misses restarts slower than StartLimitIntervalSec, so
// opsd counts its own unclean starts. A run record (STATE/net/state/opsd-run.json) says
// "running" while opsd runs and is cleared by a clean shutdown; a start that still finds it
// set follows an unclean exit (crash, SIGKILL, watchdog abort, power loss). When too many
// unclean starts fall within the window, the daemon starts no job by itself for the rest of
// that run and alerts; a clean restart clears the count.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "state/file_system.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace opsd {

struct CrashGuardPolicy {
  int max_unclean_starts = 5;        // this many unclean starts within `window` trip the guard
  TimeMs window = seconds(10 * 60);  // rolling window [10 minutes]
};

// What the run record holds.
struct RunRecord {
  bool running = false;                // set at start, cleared by a clean shutdown
  std::vector<TimeMs> unclean_starts;  // wall-clock times of starts after an unclean exit
};

struct StartDecision {
  RunRecord record;        // to persist: running, with this start counted if unclean
  bool unclean = false;    // the previous run did not shut down cleanly
  int recent_unclean = 0;  // unclean starts within the window, this one included
  bool tripped = false;    // recent_unclean >= max_unclean_starts
  std::string save_error;  // CrashGuard::record_start only: why the record was not written
};

// Pure: the decision for a start at `now` after `previous`. Entries outside the window (or in
// the future, after a clock jump) are dropped.
StartDecision decide_start(const RunRecord& previous, TimeMs now, const CrashGuardPolicy& policy);

// JSON text of a record: {"version":1,"running":bool,"uncleanStarts":[ms,...]}.
std::string encode_run_record(const RunRecord& record);
// The record in `text`; an Error when it is not a run record (the caller starts afresh).
Result<RunRecord> decode_run_record(std::string_view text);

// The run record in a file. Not thread-safe; one per daemon.
class CrashGuard {
 public:
  CrashGuard(FileSystem& fs, std::string path, CrashGuardPolicy policy = {});
  // Reads the record (a missing or unreadable one counts as a clean first start), decides and
  // writes the record back marked running (a failed write is reported in `save_error`; the
  // decision stands).
  StartDecision record_start(TimeMs now);
  // Marks the record not running and forgets the unclean starts.
  Status record_clean_stop();
  const std::string& path() const { return path_; }

 private:
  FileSystem& fs_;
  std::string path_;
  CrashGuardPolicy policy_;
};

}  // namespace opsd
