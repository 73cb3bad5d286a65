#include "metrics/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace opsd {

namespace {

std::string slurp(const char* path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <class T>
bool to_number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::optional<ProcessStats> parse_proc_stat(std::string_view stat, long ticks_per_second,
                                            long page_bytes, double boot_time_seconds) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields resume after
  // the last ')'.
  std::size_t close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  std::vector<std::string_view> f;  // f[0] = field 3 (state)
  std::string_view rest = stat.substr(close + 1);
  while (!rest.empty()) {
    std::size_t b = rest.find_first_not_of(" \n");
    if (b == std::string_view::npos) break;
    rest = rest.substr(b);
    std::size_t e = rest.find_first_of(" \n");
    f.push_back(rest.substr(0, e));
    rest = e == std::string_view::npos ? std::string_view() : rest.substr(e);
  }
  // Fields (1-based, proc(5)): 14 utime, 15 stime, 22 starttime, 23 vsize, 24 rss.
  auto at = [&](int field) { return f[static_cast<std::size_t>(field - 3)]; };
  if (f.size() < 22) return std::nullopt;
  std::uint64_t utime = 0, stime = 0, start = 0, vsize = 0;
  std::int64_t rss = 0;
  if (!to_number(at(14), utime) || !to_number(at(15), stime) || !to_number(at(22), start) ||
      !to_number(at(23), vsize) || !to_number(at(24), rss))
    return std::nullopt;
  ProcessStats s;
  const double tps = static_cast<double>(ticks_per_second);
  s.cpu_seconds = static_cast<double>(utime + stime) / tps;
  s.start_time_seconds = boot_time_seconds + static_cast<double>(start) / tps;
  s.virtual_bytes = vsize;
  s.resident_bytes =
      rss > 0 ? static_cast<std::uint64_t>(rss) * static_cast<std::uint64_t>(page_bytes) : 0;
  return s;
}

std::optional<double> parse_boot_time(std::string_view proc_stat) {
  std::size_t at = proc_stat.find("\nbtime ");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view v = proc_stat.substr(at + 7);
  v = v.substr(0, v.find('\n'));
  std::uint64_t n = 0;
  if (!to_number(v, n)) return std::nullopt;
  return static_cast<double>(n);
}

std::optional<ProcessStats> RealProcessStats::read() {
  std::optional<double> btime = parse_boot_time(slurp("/proc/stat"));
  if (!btime) return std::nullopt;
  std::optional<ProcessStats> s = parse_proc_stat(slurp("/proc/self/stat"), sysconf(_SC_CLK_TCK),
                                                  sysconf(_SC_PAGESIZE), *btime);
  if (!s) return std::nullopt;
  std::error_code ec;
  std::int64_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++fds;
  s->open_fds = fds > 0 ? fds - 1 : 0;  // not counting the iterator's own descriptor
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0)
    s->max_fds = lim.rlim_cur == RLIM_INFINITY ? -1 : static_cast<std::int64_t>(lim.rlim_cur);
  return s;
}

}  // namespace opsd
