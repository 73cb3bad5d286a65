// The verification chain of one write run (SPEC §6): the write's exit, then every verification
// it started (the after-jobs enqueued from it and its own commands.verify) until all have
// ended; then one outcome. Pure data and wording; the engine drives it (engine_write.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/clock.hpp"

namespace opsd {

// The name of the commands.verify step among a chain's verifications.
inline constexpr std::string_view kVerifyCommand = "commands.verify";

struct Verification {
  std::string name;              // the verifying job id, or kVerifyCommand
  std::string item_id;           // its queue item; "" for commands.verify
  std::optional<int> exit_code;  // set once it ended; -1 when it was skipped or never ran
  bool passed = false;           // exit 0 and no ACTION REQUIRED / ALERT in its output
  std::string output;            // its output tail (or why it was skipped)
};

struct WriteChain {
  std::string job_id;
  std::int64_t uid = -1;          // the caller who ran the write
  TimeMs started_at = 0;          // the write was launched
  std::optional<int> write_exit;  // set when the write ended
  TimeMs verify_started_at = 0;   // commands.verify was launched (0: it was not)
  std::vector<Verification> verifications;

  // The write and every verification have ended.
  bool settled() const;
  // Index of the unfinished verification named by `item_id` ("" with kVerifyCommand: the
  // commands.verify step); nullopt when there is none.
  std::optional<std::size_t> pending(std::string_view item_id, std::string_view name) const;
};

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

// The last `max_bytes` of `s` without splitting a UTF-8 sequence, whitespace-trimmed.
std::string tail_utf8(std::string_view s, std::size_t max_bytes);

}  // namespace opsd
