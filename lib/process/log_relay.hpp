// The log relay: a small process (a hidden mode of the opsd binary) that reads a job's output
// pipe and writes it into the job's log with LogWriter (rotation, size cap, redaction). It is
// not part of opsd's process: when opsd dies the job's pipe keeps a reader, so the job never
// gets SIGPIPE, and its output keeps reaching the log (docs/processes.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "process/log_writer.hpp"
#include "util/result.hpp"

namespace opsd {

// argv[1] of the hidden mode: `<binary> --log-relay <log path>`, stdin = the job's pipe.
inline constexpr std::string_view kLogRelayFlag = "--log-relay";

// The secrets travel in the pipe itself, ahead of the job's output (written by opsd before the
// job exists, so the job can neither read nor forge them): "<byte count>\n" then the secrets,
// each followed by '\0'. Never in argv or the environment. Error when they exceed kMaxHeader.
inline constexpr std::size_t kMaxRelayHeader = 16 * 1024;
Result<std::string> relay_header(const std::vector<std::string>& secrets);

// Reads the header from `in_fd`, then copies everything up to EOF into `log` with those secrets
// redacted. With a malformed header it still reads to EOF (the writer must not get SIGPIPE) but
// logs nothing, and returns an error.
Status relay_stream(int in_fd, LogWriter& log);

// The hidden mode's main: true when argv[1] is kLogRelayFlag, and then `exit_code` is what main
// returns (0 at EOF, 2 on bad usage or header). Ignores SIGHUP, SIGINT, SIGTERM and SIGPIPE: it
// ends when the last writer of the pipe (the job and what it started) is gone.
bool run_log_relay(int argc, char** argv, int& exit_code);

}  // namespace opsd
