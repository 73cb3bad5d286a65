#include "schedule/time_zone.hpp"

#include <string>

namespace opsd {

std::optional<cctz::time_zone> load_time_zone(std::string_view name) {
  if (name.empty()) return cctz::local_time_zone();
  // A zone is a name inside tzdata, never a path of its own.
  if (name.front() == '/' || name.find("..") != std::string_view::npos) return std::nullopt;
  cctz::time_zone tz;
  if (!cctz::load_time_zone(std::string(name), &tz)) return std::nullopt;
  return tz;
}

}  // namespace opsd
