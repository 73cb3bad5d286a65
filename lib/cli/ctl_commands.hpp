// opsctl's commands (docs/control-protocol.md). Each returns the process exit code: 0 ok, 1 failed
// or refused, 2 usage or config error, 3 daemon not reachable.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "config/paths.hpp"
#include "rpc/fault.hpp"

namespace opsd {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;

struct CtlContext {
  Paths paths;
  bool json = false;  // --json: print the raw result object
  std::ostream& out;
  std::ostream& err;
  std::size_t table_width = 0;  // display columns for the status table; 0: no limit
};

// Exit code for an RPC fault: usage/config faults 2, everything else 1.
int exit_code_for(Fault f);

struct ClientError;
// Prints why a call failed (with --json also as {"error": ...}); returns the exit code.
int report_failure(const CtlContext& ctx, const ClientError& e);

// `opsctl run <job>`: without `wait` prints the daemon's answer. With `wait`, waits until the
// run ended (a write job: until its verification chain settled) and prints how it ended, its
// matching lines and output tail; 0 when it passed, 1 when it failed, was refused or is still
// running after `wait_limit_ms` (0 = no limit). `run_timeout_seconds` > 0: the run's own time
// limit instead of the job's runTimeoutSeconds.
struct RunRequest {
  std::string job;
  bool dry_run = false;
  bool wait = false;
  std::int64_t wait_limit_ms = 0;
  std::int64_t run_timeout_seconds = 0;
};
int ctl_run(const CtlContext& ctx, const RunRequest& req);

// Calls `method` and prints the result's "message" (or the whole result with --json).
int ctl_call(const CtlContext& ctx, const std::string& method, const boost::json::object& params);
int ctl_status(const CtlContext& ctx, const std::string& job);
int ctl_tick(const CtlContext& ctx, bool print_only, bool dry_run);
int ctl_logs(const CtlContext& ctx, const std::string& job, int lines, bool follow);
// `opsctl reexec`: asks opsd to re-execute its binary and waits (up to 20 s) until the new
// image answers `version`; prints "opsd X replaced opsd Y (pid P)". 1 when refused (the reason
// printed) or when no new image answered.
int ctl_reexec(const CtlContext& ctx);
// The line ctl_reexec prints when `now` (a version answer) comes from another image than
// `before` (the reexec answer: version, pid, startedAt); nullopt while the old one answers.
std::optional<std::string> reexec_outcome(const boost::json::object& before,
                                          const boost::json::object& now);
// Reads the audit log file directly (works without a daemon).
int ctl_audit(const CtlContext& ctx, int lines);

}  // namespace opsd
