// State::write_chains <-> the state file's `writeChains` array (docs/write-jobs.md,
// docs/persistence.md). Internal to lib/state (state_codec.cpp uses it).
//
// Shape: [{"jobId", "uid", "startedAt", "writeExit" (int|null), "writeNote", "verifyStartedAt",
//          "verifications": [{"name", "itemId", "exitCode" (int|null), "passed", "output"}]}]
// Times are integer ms since the epoch (0 = never).
#pragma once

#include <vector>

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>

#include "state/state.hpp"

namespace opsd::state_detail {

boost::json::array encode_write_chains(const std::vector<WriteChain>& chains,
                                       const boost::json::storage_ptr& sp);

// Tolerant, like the rest of the state: a missing or non-array `writeChains` (an older state
// file) is no chain; an entry that is not an object or has no jobId, and a verification that is
// not an object or has no name, are skipped; other fields take their defaults.
std::vector<WriteChain> decode_write_chains(const boost::json::object& state);

}  // namespace opsd::state_detail
