// Live cards in the outbox (notify.progress "card", docs/notifications.md): one Telegram message
// per job, sent once and then edited. Its updates are outbox items like any other (durable,
// retried, paced; 429 applies), with `card` set. Pure: no I/O, no clock.
#pragma once

#include <string>

#include "notify/transport.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// Queues the new `text` of card `key` (cut to one Telegram message). A pending update of the
// card that is not final gets the new text instead (a later edit supersedes an older one).
// Otherwise, with an open card (OutboxState::cards): an edit of its message, held until
// edit_interval after its last delivery; without one: a new card, due at once. `final`: the
// card is closed now (forgotten in cards; the update carries its message id), so the next
// update of `key` sends a new card; a final update of a card that is neither open nor
// pending is dropped (the job ended before it had a card). `in_flight`: the seq of the item being
// sent now (0 = none); it is never changed, a newer text queues behind it.
void outbox_enqueue_card(OutboxState& s, const std::string& key, const std::string& text,
                         bool final, TimeMs now, TimeMs edit_interval, std::uint64_t in_flight = 0);

// Before `item` is sent: a new card (no message id) whose card was opened meanwhile (by an
// update queued before it) becomes an edit of that card's message.
void card_bind(const OutboxState& s, OutboxItem& item);

// After `item` (a card update) was delivered to `chat`: a new card that is not final is
// recorded as open with the message id of `r` (none given: nothing to edit later, the next
// update is a new message); an edit of the open card restarts its edit interval; a final
// update closes the card it edited.
void card_delivered(OutboxState& s, const OutboxItem& item, const std::string& chat,
                    const SendResult& r, TimeMs now);

// The message `item` edits is gone (deleted, too old): the card is forgotten and `item` becomes
// a new card, due at once.
void card_gone(OutboxState& s, OutboxItem& item, TimeMs now);

}  // namespace opsd
