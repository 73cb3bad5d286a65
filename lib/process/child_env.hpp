// The environment and executable of a job's child process (docs/config.md). Pure apart from
// stat(2).
#pragma once

#include <string>
#include <vector>

#include "util/result.hpp"

namespace opsd {

// The daemon's environment `environ_in` (a null-terminated "K=V" array, may be null) minus the
// service manager's variables (NOTIFY_SOCKET, WATCHDOG_*, LISTEN_*), minus opsd's own secrets
// (TELEGRAM_BOT_TOKEN, and any variable whose value contains one of `secrets`), plus
// OPS_JOB_ID=job_id and OPS_STATE_DIR=state_dir (replacing inherited ones). Entries without
// '=' are dropped; order is kept, the two OPS_ entries come last.
std::vector<std::string> child_environment(char** environ_in, const std::string& job_id,
                                           const std::string& state_dir,
                                           const std::vector<std::string>& secrets = {});

// The value of `key` in a "K=V" list, or "" when it is absent.
std::string env_value(const std::vector<std::string>& env, const std::string& key);

// The file execve(2) should run for argv[0], as execvp would find it after chdir(cwd):
// a name containing '/' is taken relative to `cwd` (unless absolute); otherwise each
// `path_env` entry in order (an empty entry or a relative one is relative to `cwd`).
// The file must be a regular file the daemon may execute. The error names argv0.
Result<std::string> resolve_executable(const std::string& argv0, const std::string& cwd,
                                       const std::string& path_env);

}  // namespace opsd
