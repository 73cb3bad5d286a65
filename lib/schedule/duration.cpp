#include "schedule/duration.hpp"

#include <string>

namespace opsd {

namespace {

int unit_rank(char c) {
  switch (c) {
    case 'd':
      return 4;
    case 'h':
      return 3;
    case 'm':
      return 2;
    case 's':
      return 1;
    default:
      return 0;
  }
}

std::int64_t unit_seconds(char c) {
  switch (c) {
    case 'd':
      return 86400;
    case 'h':
      return 3600;
    case 'm':
      return 60;
    default:
      return 1;
  }
}

}  // namespace

Result<std::int64_t> parse_schedule_duration(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  if (text.empty()) return Error{"is empty; expected a duration like 30s, 15m, 6h or 1d"};
  std::int64_t total = 0;
  int last_rank = 5;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    std::int64_t n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > kMaxScheduleSeconds) return Error{quoted + ": longer than 366d"};
      ++i;
    }
    if (i == start)
      return Error{quoted + ": expected a number at character " + std::to_string(start + 1) +
                   " (a duration like 30s, 15m, 6h or 1d)"};
    if (i == text.size())
      return Error{quoted + ": the number " + std::to_string(n) +
                   " has no unit (use s, m, h or d)"};
    const char u = text[i];
    const int rank = unit_rank(u);
    if (rank == 0)
      return Error{quoted + ": unknown unit '" + std::string(1, u) + "' (use s, m, h or d)"};
    if (rank >= last_rank)
      return Error{quoted + ": units must go from largest to smallest, each once (like 1h30m)"};
    last_rank = rank;
    total += n * unit_seconds(u);
    if (total > kMaxScheduleSeconds) return Error{quoted + ": longer than 366d"};
    ++i;
  }
  if (total < 1) return Error{quoted + ": must be at least 1s"};
  return total;
}

std::string format_schedule_duration(std::int64_t seconds) {
  std::string out;
  for (char u : {'d', 'h', 'm', 's'}) {
    const std::int64_t n = seconds / unit_seconds(u);
    if (n == 0) continue;
    out += std::to_string(n) + u;
    seconds -= n * unit_seconds(u);
  }
  return out.empty() ? "0s" : out;
}

}  // namespace opsd
