// Delivery decisions over State::outbox (docs/notifications.md). Pure: no I/O, no clock. The daemon
// persists the state before a send (after outbox_enqueue) and after each result.
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

 private:
  std::map<std::string, TimeMs, std::less<>> last_sent_;
};

// How many messages wait at most while Telegram is unreachable. Routine reports are
// superseded by newer ones, so past kOutboxMaxRoutine the oldest routine ones go first;
// alerts go only past kOutboxMaxItems (the state file, rewritten on each change, stays
// bounded: at most about 4 MB of text).
inline constexpr std::size_t kOutboxMaxRoutine = 100;
inline constexpr std::size_t kOutboxMaxItems = 1000;

// Splits `text` (split_message.hpp) and appends one item per piece with increasing seq,
// due at `now`. Pieces consisting only of whitespace are dropped (Telegram rejects them).
// `target` "" means the caller resolves the chat at send time. Then trims the outbox to the
// caps above, oldest first; returns how many messages that dropped (State::outbox_last_error
// says so too).
std::size_t outbox_enqueue(State& s, const std::string& text, bool alert, const std::string& target,
                           TimeMs now);

// The item to send now, or nullptr. Head-of-line: only the lowest seq is ever due, so
// messages arrive in order; it is due when its next_attempt_at has come and, with a pacer,
// its chat has had no message within kChatMinInterval.
const OutboxItem* outbox_next_due(const State& s, TimeMs now, const ChatPacer* pacer = nullptr);

// When the head item becomes due (honouring the pacer if given); 0 = nothing pending.
TimeMs outbox_next_attempt(const State& s, const ChatPacer* pacer = nullptr);

// What outbox_on_result did, so the caller can log once.
enum class OutboxOutcome {
  delivered,    // removed from the outbox
  rescheduled,  // kept; next_attempt_at moved (429 or transient)
  retargeted,   // kept, due at once; every item for the old chat now has the migrated id
  dropped,      // permanent failure: removed; State::outbox_last_error = "chat <id>: <error>"
  unknown_seq,  // no item with that seq (nothing changed)
};

// Applies the result of sending item `seq`. attempts and last_error are updated;
// retry_after waits max(1, retry_after_seconds); transient waits a capped exponential
// backoff 1 s, 2 s, 4 s, ... kOutboxMaxBackoff, shortened by up to 25% using `jitter_seed`
// (any value; the caller passes a random number).
OutboxOutcome outbox_on_result(State& s, std::uint64_t seq, const SendResult& r, TimeMs now,
                               std::uint32_t jitter_seed);

// The transient backoff before attempt `attempts + 1` (attempts >= 1), without jitter.
TimeMs outbox_backoff(int attempts);

}  // namespace opsd
