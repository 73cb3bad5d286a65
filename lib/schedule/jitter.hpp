// Jitter: spreads jobs that share a due time. Deterministic (no random source), so the engine
// stays pure and a restart computes the same delay for the same slot.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/clock.hpp"

namespace opsd {

// A delay in [0, jitter_seconds * 1000] ms, a whole second, from job id and slot; 0 when
// jitter_seconds <= 0. Different jobs (or slots) get spread delays.
TimeMs jitter_delay(std::string_view job_id, TimeMs slot, std::int64_t jitter_seconds);

}  // namespace opsd
