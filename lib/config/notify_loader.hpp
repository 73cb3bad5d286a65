// Reading the delivery keys of the `notify` block: progress, cardEditSeconds, groupWaitSeconds,
// threadId and alerts {target, threadId} (docs/config.md). Every error names its JSON path.
#pragma once

#include <cstdint>

#include <boost/json/fwd.hpp>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace opsd::config_detail {

// Least and most notify.cardEditSeconds: Telegram allows about 20 messages a minute in a
// group, edits included (one card at 3 s would use them all), and a card edited rarer than
// every 10 minutes is no longer live.
inline constexpr std::int64_t kMinCardEditSeconds = 3;
inline constexpr std::int64_t kMaxCardEditSeconds = 600;
// Most notify.groupWaitSeconds: alerts wait at most this long.
inline constexpr std::int64_t kMaxGroupWaitSeconds = 60;

// Reads the keys above of the `notify` object `o` into `n`.
void read_notify_delivery(const boost::json::object& o, NotifyConfig& n, Diagnostics& d);

}  // namespace opsd::config_detail
