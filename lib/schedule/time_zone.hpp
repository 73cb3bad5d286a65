// Time zones for schedules, loaded once at config time from the system's tzdata
// (/usr/share/zoneinfo, via cctz); the engine only gets the loaded value.
#pragma once

#include <optional>
#include <string_view>

#include <cctz/time_zone.h>

namespace opsd {

// `name` is an IANA zone ("Europe/Berlin", "UTC"); "" = the host's local time ($TZ, else
// /etc/localtime, else UTC). nullopt when tzdata has no such zone.
std::optional<cctz::time_zone> load_time_zone(std::string_view name);

}  // namespace opsd
