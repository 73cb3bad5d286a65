// Which process a pid names: the pid alone is not an identity (pids are recycled), the pid with
// its start time is (docs/processes.md, re-adoption).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace opsd {

struct ProcessIdentity {
  std::int64_t pid = 0;
  std::int64_t pgid = 0;          // its process group
  std::uint64_t start_ticks = 0;  // /proc/<pid>/stat field 22: clock ticks after boot; 0 = unknown
  bool zombie = false;            // exited, not reaped yet

  // Same process: same pid, start time and group (zombie or not). A start time of 0 matches
  // nothing.
  bool same_as(const ProcessIdentity& other) const {
    return start_ticks != 0 && pid == other.pid && pgid == other.pgid &&
           start_ticks == other.start_ticks;
  }
};

// Parses one /proc/<pid>/stat line (the command name may hold spaces and parentheses); nullopt
// when it is not one.
std::optional<ProcessIdentity> parse_proc_stat(std::string_view line);

// The identity of the live (or zombie) process `pid`; nullopt when there is none or /proc
// cannot tell (not Linux).
std::optional<ProcessIdentity> read_process_identity(std::int64_t pid);

// How long the process has run, from its start time and /proc/uptime; nullopt when unknown.
std::optional<double> process_age_seconds(const ProcessIdentity& id);

// True when `recorded` still names the same process (read_process_identity(recorded.pid)).
bool still_same_process(const ProcessIdentity& recorded);

}  // namespace opsd
