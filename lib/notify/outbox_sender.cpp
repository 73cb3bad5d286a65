#include "notify/outbox_sender.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "notify/outbox_cards.hpp"
#include "notify/outbox_group.hpp"
#include "notify/redact.hpp"
#include "state/clock_shift.hpp"

namespace opsd {

OutboxSender::OutboxSender(OutboxState initial, const Clock& clock, OutboxHooks hooks,
                           std::uint32_t seed)
    : state_(std::move(initial)), clock_(clock), hooks_(std::move(hooks)), rng_(seed) {
  // A previous run's text: a retry in progress then is one no more; the rest stays shown.
  const std::string& last = state_.last_error;
  const std::size_t retrying = last.find(kOutboxRetryingPrefix);
  failure_note_ = last.substr(0, retrying);
  while (!failure_note_.empty() && (failure_note_.back() == ' ' || failure_note_.back() == ';'))
    failure_note_.pop_back();
  if (retrying != std::string::npos) retry_note_ = last.substr(retrying);
  if (failure_note_.starts_with("outbox full: ")) std::swap(failure_note_, drop_note_);
}

void OutboxSender::post(const std::string& text, bool alert) {
  note_drops(outbox_enqueue(state_, text, alert, "", clock_.now()));
  persist();
  pump();
}

void OutboxSender::post_grouped(const std::string& header, const std::string& body, bool alert,
                                TimeMs window) {
  note_drops(outbox_enqueue_grouped(state_, header, body, alert, "", clock_.now(), window));
  persist();
  pump();
}

void OutboxSender::post_card(const std::string& key, const std::string& text, bool final,
                             TimeMs edit_interval) {
  outbox_enqueue_card(state_, key, text, final, clock_.now(), edit_interval, in_flight_);
  persist();
  pump();
}

void OutboxSender::start() {
  if (started_) return;
  started_ = true;
  if (!state_.items.empty())
    spdlog::info("outbox: {} message(s) left from a previous run", state_.items.size());
  pump();
}

void OutboxSender::shift_times(TimeMs delta) {
  if (delta == 0) return;
  shift_durations(state_, delta);
  pacer_.shift(delta);
  persist();
  pump();
}

void OutboxSender::pump() {
  if (!started_ || sending_) return;
  const TimeMs now = clock_.now();
  const OutboxItem* item = outbox_next_due(state_, now, &pacer_);
  if (item == nullptr) {
    const TimeMs next = outbox_next_attempt(state_, &pacer_, now);
    if (next > 0 && hooks_.wake) hooks_.wake(std::max<TimeMs>(next - now, 0));
    return;
  }
  OutboxRoute route = hooks_.route ? hooks_.route() : OutboxRoute{};
  for (OutboxItem& mine : state_.items)
    if (mine.seq == item->seq) card_bind(state_, mine);
  const std::string& fallback_chat =
      item->alert && !route.alert_target.empty() ? route.alert_target : route.default_target;
  const std::string chat = item->target.empty() ? fallback_chat : item->target;
  const std::uint64_t seq = item->seq;
  std::string problem = route.problem;
  if (problem.empty() && chat.empty())
    problem = "no Telegram target: set notify.target, --target or openclaw.json";
  if (problem.empty() && route.transport == nullptr) problem = "no way to send";
  if (!problem.empty()) {
    SendResult r;
    r.kind = SendResult::Kind::transient;
    r.error = problem;
    finish(seq, chat, std::move(r));
    return;
  }
  sending_ = true;
  in_flight_ = seq;
  pacer_.record_send(item->target, now);
  Delivery d;
  d.chat_id = chat;
  d.text = item->text;
  d.silent = !item->alert && route.silent_routine;
  d.thread_id = item->alert ? route.alert_thread_id : route.thread_id;
  const bool cards = route.transport->can_edit();
  if (cards) d.edit_message_id = item->message_id;
  d.want_message_id = cards && !item->card.empty() && item->message_id.empty();
  spdlog::debug("message {} ({} bytes, {}, {}{}) to chat {}: attempt {}", seq, item->text.size(),
                item->alert ? "alert" : "routine", d.silent ? "silent" : "with sound",
                d.edit_message_id.empty() ? "" : ", edit", chat, item->attempts + 1);
  route.transport->deliver(d, [this, seq, chat, secret = route.secret](SendResult r) {
    sending_ = false;
    in_flight_ = 0;
    r.error = redact_token(r.error, secret);
    finish(seq, chat, std::move(r));
  });
}

void OutboxSender::finish(std::uint64_t seq, const std::string& target, SendResult r) {
  const auto it = std::find_if(state_.items.begin(), state_.items.end(),
                               [seq](const OutboxItem& i) { return i.seq == seq; });
  const OutboxItem sent = it == state_.items.end() ? OutboxItem{} : *it;
  const OutboxOutcome outcome =
      outbox_on_result(state_, seq, r, clock_.now(), static_cast<std::uint32_t>(rng_()));
  const std::string chat = target.empty() ? "(none)" : target;
  switch (outcome) {
    case OutboxOutcome::resent:
      spdlog::warn("message {}: card {} can no longer be edited ({}); sending a new card", seq,
                   sent.card, r.error);
      break;
    case OutboxOutcome::delivered:
      card_delivered(state_, sent, target, r, clock_.now());
      spdlog::info("message {} delivered to chat {}", seq, chat);
      retry_note_.clear();
      if (state_.items.empty()) dropped_ = {};
      if (hooks_.on_settled) hooks_.on_settled(true);
      break;
    case OutboxOutcome::dropped:
      retry_note_.clear();
      failure_note_ =
          "chat " + chat + ": " + (r.error.empty() ? "permanent delivery failure" : r.error);
      spdlog::error("message {} dropped after a permanent error: {}", seq, failure_note_);
      if (hooks_.on_settled) hooks_.on_settled(false);
      break;
    case OutboxOutcome::retargeted:
      spdlog::warn("message {}: chat {} moved to {}; resending", seq, chat, r.migrate_to_chat_id);
      break;
    case OutboxOutcome::rescheduled:
      note_retry(seq, chat, r);
      break;
    case OutboxOutcome::unknown_seq:
      break;
  }
  refresh_last_error();
  persist();
  pump();
}

void OutboxSender::note_drops(const OutboxDrops& drops) {
  if (drops.total() == 0) return;
  dropped_.routine += drops.routine;
  dropped_.alerts += drops.alerts;
  drop_note_ = "outbox full: dropped " + std::to_string(dropped_.routine) +
               " old routine report(s) and " + std::to_string(dropped_.alerts) +
               " old alert(s) while messages could not be delivered";
  spdlog::warn("{}", drop_note_);
  refresh_last_error();
}

void OutboxSender::note_retry(std::uint64_t seq, const std::string& chat, const SendResult& r) {
  const auto it = std::find_if(state_.items.begin(), state_.items.end(),
                               [seq](const OutboxItem& i) { return i.seq == seq; });
  if (it == state_.items.end()) return;
  const TimeMs wait = std::max<TimeMs>(it->next_attempt_at - clock_.now(), 0);
  const std::string when = "retry in " + std::to_string((wait + 999) / 1000) + " s, attempt " +
                           std::to_string(it->attempts + 1);
  spdlog::warn("message {} to chat {} not delivered ({}): {}", seq, chat, when, r.error);
  retry_note_ =
      std::string(kOutboxRetryingPrefix) + "chat " + chat + ": " + r.error + " (" + when + ")";
}

void OutboxSender::refresh_last_error() {
  std::string text;
  for (const std::string* part : {&drop_note_, &failure_note_, &retry_note_}) {
    if (part->empty()) continue;
    if (!text.empty()) text += "; ";
    text += *part;
  }
  state_.last_error = std::move(text);
}

void OutboxSender::persist() {
  if (hooks_.persist) hooks_.persist();
}

}  // namespace opsd
