#include "notify/outbox_cards.hpp"

#include <algorithm>

#include "notify/outbox.hpp"
#include "notify/split_message.hpp"
#include "util/utf8.hpp"

namespace opsd {
namespace {

std::string one_message(const std::string& text) {
  std::vector<std::string> pieces = split_message(utf8_valid(text), kTelegramMaxChars);
  return pieces.empty() ? std::string() : std::move(pieces.front());
}

OutboxItem* pending_update(OutboxState& s, const std::string& key, std::uint64_t in_flight) {
  for (OutboxItem& item : s.items)
    if (item.card == key && !item.card_final && item.seq != in_flight) return &item;
  return nullptr;
}

}  // namespace

void outbox_enqueue_card(OutboxState& s, const std::string& key, const std::string& text,
                         bool final, TimeMs now, TimeMs edit_interval, std::uint64_t in_flight) {
  std::string body = one_message(text);
  if (body.find_first_not_of(" \t\r\n\v\f") == std::string::npos) return;
  const auto open = s.cards.find(key);
  OutboxItem* pending = pending_update(s, key, in_flight);
  const bool in_flight_for_key =
      in_flight != 0 && std::any_of(s.items.begin(), s.items.end(), [&](const OutboxItem& i) {
        return i.seq == in_flight && i.card == key;
      });
  // A job seen only once it ended (a restart, a completed job) has no live card to finish.
  if (final && open == s.cards.end() && pending == nullptr && !in_flight_for_key) return;
  if (OutboxItem* p = pending) {
    p->text = std::move(body);
    p->card_final = final;
  } else {
    OutboxItem item = outbox_new_item(s, std::move(body), now);
    item.card = key;
    item.card_final = final;
    if (open != s.cards.end()) {
      item.target = open->second.chat;
      item.message_id = open->second.message_id;
      item.not_before = std::max(now, open->second.last_at + std::max<TimeMs>(edit_interval, 0));
    }
    s.items.push_back(std::move(item));
  }
  if (final && open != s.cards.end()) s.cards.erase(open);
}

void card_bind(const OutboxState& s, OutboxItem& item) {
  if (item.card.empty() || !item.message_id.empty()) return;
  const auto open = s.cards.find(item.card);
  if (open == s.cards.end()) return;
  item.target = open->second.chat;
  item.message_id = open->second.message_id;
}

void card_delivered(OutboxState& s, const OutboxItem& item, const std::string& chat,
                    const SendResult& r, TimeMs now) {
  if (item.card.empty()) return;
  if (item.card_final) {
    const auto open = s.cards.find(item.card);
    if (open != s.cards.end() && open->second.message_id == item.message_id) s.cards.erase(open);
    return;
  }
  if (item.message_id.empty()) {
    if (r.message_id.empty()) return;
    s.cards[item.card] = CardRecord{chat, r.message_id, now};
    return;
  }
  const auto open = s.cards.find(item.card);
  if (open != s.cards.end() && open->second.message_id == item.message_id)
    open->second.last_at = now;
}

void card_gone(OutboxState& s, OutboxItem& item, TimeMs now) {
  const auto open = s.cards.find(item.card);
  if (open != s.cards.end() && open->second.message_id == item.message_id) s.cards.erase(open);
  item.message_id.clear();
  item.target.clear();
  item.attempts = 0;
  item.next_attempt_at = now;
  item.not_before = 0;
}

}  // namespace opsd
