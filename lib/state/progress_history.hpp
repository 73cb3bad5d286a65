// A job's recent progress readings and what they give (ratio, rate, ETA): plain data, kept in
// memory only. It is not written to the state file: after a restart it is rebuilt from the
// next probes (a rate needs two readings or one whole window; see engine/progress_rate.hpp,
// which records the readings and computes the estimate).
#pragma once

#include <cstddef>
#include <deque>
#include <optional>

#include "util/clock.hpp"

namespace opsd {

// One reading of a job's progress: `done` out of `total`, in the job's own units (a `percent`
// reading is done = percent, total = 100). `at`: when opsd first saw these values.
struct ProgressSample {
  TimeMs at = 0;
  double done = 0;
  double total = 0;

  bool operator==(const ProgressSample&) const = default;
};

// What the recent readings give. Every field is nullopt when unknown.
struct ProgressEstimate {
  std::optional<double> ratio;              // done / total of the newest reading, within [0, 1]
  std::optional<double> rate_per_second{};  // `done` units per second over the recent window
  std::optional<TimeMs> eta;                // when done reaches total at that rate (wall clock)

  bool operator==(const ProgressEstimate&) const = default;
};

// The readings of one job, bounded: at most kMaxSamples, oldest first, each one a change of
// `done` or `total` (an unchanged reading is not recorded again).
struct ProgressHistory {
  std::deque<ProgressSample> samples;
  ProgressEstimate estimate;  // as of the last probe
  static constexpr std::size_t kMaxSamples = 64;

  bool operator==(const ProgressHistory&) const = default;
};

}  // namespace opsd
