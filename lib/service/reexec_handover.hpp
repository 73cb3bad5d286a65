// What one opsd image hands the next across `opsctl reexec` / SIGUSR2 (docs/processes.md): the
// listening control socket's fd and the old version, in environment variables; and the verdict
// of the pre-flight run of the new binary (`opsd --reexec-check ...`). Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/paths.hpp"
#include "process/command_output.hpp"
#include "util/result.hpp"

namespace opsd {

inline constexpr const char* kListenFdEnv = "OPSD_LISTEN_FD";          // fd number, >= 3
inline constexpr const char* kReexecFromEnv = "OPSD_REEXEC_FROM";      // the old image's version
inline constexpr const char* kReexecBinaryEnv = "OPSD_REEXEC_BINARY";  // overrides the binary
inline constexpr const char* kReexecCheckFlag = "--reexec-check";

struct Handover {
  std::optional<int> listen_fd;  // adopt this listening socket instead of binding
  std::string from_version;      // "" when this start is no reexec
  std::string problem;           // a set but unusable OPSD_LISTEN_FD: why (then bind as usual)
};

// The handover named by the environment; nothing set: a normal start.
Handover parse_handover(const EnvLookup& env);

// `environ` ("K=V" entries) without any earlier handover variables, plus the handover ones and
// `extra` ("K=V", e.g. NOTIFY_SOCKET for the service manager), for execve of the new image.
std::vector<std::string> handover_environment(const std::vector<std::string>& environ_entries,
                                              int listen_fd, const std::string& from_version,
                                              const std::vector<std::string>& extra);

// The new binary's version when the pre-flight `out` passed (exit 0, stdout "opsd <version>");
// else an error saying why, naming `binary`.
Result<std::string> preflight_verdict(const std::string& binary, const CommandOutput& out);

}  // namespace opsd
