// The verification chain of one write run (docs/write-jobs.md): the write's exit, then every
// verification it started (the after-jobs enqueued from it and its own commands.verify) until all
// have ended; then one outcome. Pure data and wording; the engine drives it (engine_write.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// The name of the commands.verify step among a chain's verifications.
inline constexpr std::string_view kVerifyCommand = "commands.verify";

// Verification and WriteChain (plain data) live in state/state.hpp: State persists unsettled
// chains so that a restart does not lose them.

enum class ChainOutcome {
  pending,              // not settled yet
  verified,             // the write succeeded and every verification passed
  verification_failed,  // the write succeeded and a verification failed
  write_failed,         // the write exited non-zero (verifications may still have run)
  unverified,           // the write succeeded but nothing could verify it
};

ChainOutcome chain_outcome(const WriteChain& chain);

// "v ✅, commands.verify ❌ exit=1": each verification's result ("…" while running).
std::string verification_summary(const WriteChain& chain);
// Names of the verifications, comma-separated.
std::string verification_names(const WriteChain& chain);

}  // namespace opsd
