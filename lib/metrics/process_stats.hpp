// The process_* metrics (Prometheus client convention) of the running opsd, read from /proc.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace opsd {

struct ProcessStats {
  double cpu_seconds = 0;            // user + system CPU time
  std::uint64_t resident_bytes = 0;  // RSS
  std::uint64_t virtual_bytes = 0;   // VSZ
  std::int64_t open_fds = 0;
  std::int64_t max_fds = 0;       // soft RLIMIT_NOFILE
  double start_time_seconds = 0;  // Unix time the process started
};

// Where the numbers come from: RealProcessStats reads /proc/self; tests use a fake.
class ProcessStatsSource {
 public:
  virtual ~ProcessStatsSource() = default;
  // nullopt when they cannot be read (no /proc): the process_* metrics are then left out.
  virtual std::optional<ProcessStats> read() = 0;
};

class RealProcessStats final : public ProcessStatsSource {
 public:
  std::optional<ProcessStats> read() override;
};

// Parses /proc/<pid>/stat. `ticks_per_second` = sysconf(_SC_CLK_TCK), `page_bytes` =
// sysconf(_SC_PAGESIZE), `boot_time_seconds` = btime of /proc/stat. Fills cpu_seconds,
// resident_bytes, virtual_bytes and start_time_seconds; nullopt when malformed.
std::optional<ProcessStats> parse_proc_stat(std::string_view stat, long ticks_per_second,
                                            long page_bytes, double boot_time_seconds);

// The "btime N" line of /proc/stat; nullopt when absent.
std::optional<double> parse_boot_time(std::string_view proc_stat);

}  // namespace opsd
