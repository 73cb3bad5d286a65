#include "util/run_time_format.hpp"

#include <cstdio>

namespace opsd {

std::string format_run_time(TimeMs ms) {
  if (ms < 0) ms = 0;
  const long long s = ms / 1000;
  char buf[48];
  if (s < 10)
    std::snprintf(buf, sizeof buf, "%lld.%llds", s, static_cast<long long>(ms % 1000 / 100));
  else if (s < 60)
    std::snprintf(buf, sizeof buf, "%llds", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%lldm %02llds", s / 60, s % 60);
  else if (s < 86400)
    std::snprintf(buf, sizeof buf, "%lldh %02lldm", s / 3600, s / 60 % 60);
  else
    std::snprintf(buf, sizeof buf, "%lldd %lldh", s / 86400, s / 3600 % 24);
  return buf;
}

}  // namespace opsd
