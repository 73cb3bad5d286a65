#include "process/process_identity.hpp"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <string>

namespace opsd {

namespace {

template <class Int>
bool parse_int(std::string_view s, Int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::optional<ProcessIdentity> parse_proc_stat(std::string_view line) {
  const auto open = line.find(" (");
  const auto close = line.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  ProcessIdentity id;
  if (!parse_int(line.substr(0, open), id.pid) || id.pid <= 0) return std::nullopt;
  // Fields after the name, from field 3 (state) on, separated by single spaces.
  std::string_view rest = line.substr(close + 1);
  int field = 2;
  while (!rest.empty()) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const auto end = rest.find_first_of(" \n");
    const std::string_view value = rest.substr(0, end);
    ++field;
    if (field == 3) id.zombie = value == "Z";
    if (field == 5 && !parse_int(value, id.pgid)) return std::nullopt;
    if (field == 22) {
      if (!parse_int(value, id.start_ticks)) return std::nullopt;
      return id;
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  return std::nullopt;
}

std::optional<ProcessIdentity> read_process_identity(std::int64_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  return parse_proc_stat(line);
}

std::optional<double> process_age_seconds(const ProcessIdentity& id) {
  const long ticks = ::sysconf(_SC_CLK_TCK);
  std::ifstream in("/proc/uptime");
  double uptime = 0;
  if (id.start_ticks == 0 || ticks <= 0 || !(in >> uptime)) return std::nullopt;
  const double age = uptime - static_cast<double>(id.start_ticks) / static_cast<double>(ticks);
  return age > 0 ? age : 0;
}

bool still_same_process(const ProcessIdentity& recorded) {
  std::optional<ProcessIdentity> now = read_process_identity(recorded.pid);
  return now && recorded.same_as(*now);
}

}  // namespace opsd
