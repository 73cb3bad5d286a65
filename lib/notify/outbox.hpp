// Delivery decisions over an OutboxState (docs/notifications.md). Pure: no I/O, no clock. The one
// writer of an OutboxState is the OutboxSender (notify/outbox_sender.hpp), which calls these and
// persists before a send (after outbox_enqueue) and after each result.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "notify/transport.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// Longest wait between two transient retries of one message.
inline constexpr TimeMs kOutboxMaxBackoff = seconds(300);
// Least time between two messages to the same chat.
inline constexpr TimeMs kChatMinInterval = seconds(1);

// When each chat was last sent to (in memory only; after a restart pacing starts afresh).
class ChatPacer {
 public:
  // Earliest time another message may go to `chat` (0 = any time).
  TimeMs ready_at(const std::string& chat) const;
  void record_send(const std::string& chat, TimeMs now);
  // The wall clock was stepped by `delta` ms: every send time moves with it.
  void shift(TimeMs delta);

 private:
  std::map<std::string, TimeMs, std::less<>> last_sent_;
};

// How many messages wait at most while Telegram is unreachable. Routine reports are
// superseded by newer ones, so past kOutboxMaxRoutine the oldest routine ones go first;
// alerts go only past kOutboxMaxItems (the state file, rewritten on each change, stays
// bounded: at most about 4 MB of text).
inline constexpr std::size_t kOutboxMaxRoutine = 100;
inline constexpr std::size_t kOutboxMaxItems = 1000;

// How many messages one outbox_enqueue dropped to stay within the caps.
struct OutboxDrops {
  std::size_t routine = 0;
  std::size_t alerts = 0;
  std::size_t total() const { return routine + alerts; }
};

// A new item with the next seq, due at `now` (not yet in s.items): every item is made here.
OutboxItem outbox_new_item(OutboxState& s, std::string text, TimeMs now);

// Splits `text` (split_message.hpp) and appends one item per piece with increasing seq,
// due at `now`. Pieces consisting only of whitespace are dropped (Telegram rejects them).
// `target` "" means the caller resolves the chat at send time. Then trims the outbox to the
// caps above, oldest first, and says what that dropped.
OutboxDrops outbox_enqueue(OutboxState& s, const std::string& text, bool alert,
                           const std::string& target, TimeMs now);

// The item to send now, or nullptr. The head is the oldest alert, else the oldest routine
// report (alerts overtake routine reports; each kind keeps its order); a card update held for
// its edit interval (not_before after `now`) is no candidate and holds up nothing.
// Head-of-line: only the head is ever due, when its next_attempt_at and not_before have come
// and, with a pacer, its chat has had no message within kChatMinInterval.
const OutboxItem* outbox_next_due(const OutboxState& s, TimeMs now,
                                  const ChatPacer* pacer = nullptr);

// When the next item becomes due as of `now` (honouring the pacer if given); 0 = nothing
// pending.
TimeMs outbox_next_attempt(const OutboxState& s, const ChatPacer* pacer = nullptr, TimeMs now = 0);

// What outbox_on_result did, so the caller can log once.
enum class OutboxOutcome {
  delivered,    // removed from the outbox
  rescheduled,  // kept; next_attempt_at moved (429 or transient)
  retargeted,   // kept, due at once; every item for the old chat now has the migrated id
  dropped,      // permanent failure: removed
  resent,       // a card's message can no longer be edited: kept, due at once as a new card
  unknown_seq,  // no item with that seq (nothing changed)
};

// Applies the result of sending item `seq`. attempts and last_error are updated;
// retry_after waits max(1, retry_after_seconds); transient waits a capped exponential
// backoff 1 s, 2 s, 4 s, ... kOutboxMaxBackoff, shortened by up to 25% using `jitter_seed`
// (any value; the caller passes a random number). A delivery ends an outage for its chat:
// every other item for the same target is due at once and its backoff starts again from 1 s
// (attempts counts the attempts since the last delivery to its chat). Card items also update
// OutboxState::cards (notify/outbox_cards.hpp): a card whose message is gone is sent anew.
OutboxOutcome outbox_on_result(OutboxState& s, std::uint64_t seq, const SendResult& r, TimeMs now,
                               std::uint32_t jitter_seed);

// The transient backoff before attempt `attempts + 1` (attempts >= 1), without jitter.
TimeMs outbox_backoff(int attempts);

}  // namespace opsd
