// The outbox: the one owner of the messages waiting for delivery. It queues each
// message durably before the first attempt, sends one at a time (alerts before routine
// reports, at most one message per second per chat), retries and backs off (notify/outbox.hpp),
// and says in OutboxState::last_error what went wrong. It reads time only from its Clock and
// sends only through the Transport its route names; the caller drives its timer (`wake`).
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>

#include "notify/outbox.hpp"
#include "notify/transport.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// Where and how one attempt goes, resolved afresh before each attempt (openclaw.json, the
// notify block and the token may change while opsd runs).
struct OutboxRoute {
  Transport* transport = nullptr;  // owned by whoever made the route; null with `problem`
  std::string default_target;      // the chat for items queued without one
  std::string alert_target;        // the chat for alerts queued without one ("" = default)
  std::string thread_id;           // forum topic of routine messages ("" = none)
  std::string alert_thread_id;     // forum topic of alerts ("" = none)
  bool silent_routine = true;      // routine reports go without sound (notify.silentRoutine)
  std::string secret;              // redacted from every error kept or logged (the bot token)
  std::string problem;             // why nothing can be sent now ("" = it can)
};

struct OutboxHooks {
  std::function<OutboxRoute()> route;
  // Writes the state file (with state()) durably; called before every send and after each
  // result. Unset = nothing is persisted (tests).
  std::function<void()> persist;
  // Asks for pump() `delay_ms` from now; a later request replaces an earlier one.
  std::function<void(TimeMs delay_ms)> wake;
  // Called once per message that leaves the outbox: true = delivered, false = dropped after a
  // permanent error (for the opsd_outbox_*_total metrics). Unset = nobody is told.
  std::function<void(bool delivered)> on_settled;
};

// State::last_error while a message is being retried contains this; the next delivery clears
// that part. Drops (outbox full) and permanent failures stay until replaced.
inline constexpr std::string_view kOutboxRetryingPrefix = "retrying: ";

class OutboxSender {
 public:
  // `initial`: what the state file held (messages left by a previous run are sent first by
  // start()). `clock` must outlive the sender; `seed` drives backoff jitter.
  OutboxSender(OutboxState initial, const Clock& clock, OutboxHooks hooks, std::uint32_t seed);

  // Queues `text` (split into pieces Telegram accepts) and persists it before returning.
  void post(const std::string& text, bool alert);
  // Queues `header` + "\n\n" + `body`, held `window` ms; sections posted meanwhile with the
  // same alert flag join it (body appended after a blank line) while it fits one Telegram
  // message (notify/outbox_group.hpp). Persists before returning.
  void post_grouped(const std::string& header, const std::string& body, bool alert, TimeMs window);
  // Queues the new text of card `key` (notify/outbox_cards.hpp); edits of one card are at
  // least `edit_interval` ms apart and a newer text replaces a pending one. Persists.
  void post_card(const std::string& key, const std::string& text, bool final, TimeMs edit_interval);
  // Begins delivering (what a previous run left first). Before start() nothing is sent.
  void start();
  // Sends the head of the outbox when it is due, else asks `wake` for when it will be.
  void pump();
  // The wall clock was stepped by `delta` ms: every wait (backoff, pacing) keeps its length
  // (shift_durations, state/clock_shift.hpp); persists and pumps again.
  void shift_times(TimeMs delta);

  const OutboxState& state() const { return state_; }
  std::size_t pending() const { return state_.items.size(); }

 private:
  void finish(std::uint64_t seq, const std::string& chat, SendResult r);
  void note_drops(const OutboxDrops& drops);
  void note_retry(std::uint64_t seq, const std::string& chat, const SendResult& r);
  void refresh_last_error();
  void persist();

  OutboxState state_;
  const Clock& clock_;
  OutboxHooks hooks_;
  std::mt19937 rng_;
  ChatPacer pacer_;  // in memory: after a restart pacing starts afresh
  bool started_ = false;
  bool sending_ = false;
  std::uint64_t in_flight_ = 0;  // seq of the item being sent (0 = none)
  // The parts of state_.last_error, each kept by one kind of event.
  std::string drop_note_;     // messages dropped because the outbox was full
  std::string failure_note_;  // the last message dropped after a permanent failure
  std::string retry_note_;    // the message being retried now ("" = none)
  OutboxDrops dropped_;       // dropped since the outbox was last empty
};

}  // namespace opsd
