// Grouping in the outbox (notify.groupWaitSeconds, docs/notifications.md): sections raised
// within a short window go out as one message with one header. Pure: no I/O, no clock.
#pragma once

#include <string>

#include "notify/outbox.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// Appends "\n\n" + `body` to the open group of the same alert flag and target (an item with
// `group` set, never attempted, held until after `now`) when the result still fits one
// Telegram message; else queues `header` + "\n\n" + `body` as a new group held until
// now + window (window <= 0: not held, no group). A text too long for one message is split
// (outbox_enqueue) and forms no group. Trims to the outbox caps like outbox_enqueue and says what
// that dropped.
OutboxDrops outbox_enqueue_grouped(OutboxState& s, const std::string& header,
                                   const std::string& body, bool alert, const std::string& target,
                                   TimeMs now, TimeMs window);

}  // namespace opsd
