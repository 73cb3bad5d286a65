// A job muted by `opsctl mute` (docs/engine.md "mute"): persisted in the job's "mute" object.
#pragma once

#include <cstdint>
#include <string>

#include "util/clock.hpp"

namespace opsd {

struct MuteRecord {
  TimeMs until = 0;       // wall ms (a calendar time, not a duration); 0 = not muted
  std::string note;       // --note ("" = none)
  TimeMs set_at = 0;      // when it was muted
  std::int64_t uid = -1;  // who muted it (-1: unknown)

  bool active(TimeMs now) const { return until != 0 && now < until; }
  bool operator==(const MuteRecord&) const = default;
};

}  // namespace opsd
