#include "notify/outbox.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "notify/outbox_cards.hpp"
#include "notify/split_message.hpp"
#include "util/utf8.hpp"

namespace opsd {
namespace {

bool only_whitespace(const std::string& s) {
  return s.find_first_not_of(" \t\r\n\v\f") == std::string::npos;
}

OutboxItem* find(OutboxState& s, std::uint64_t seq) {
  for (OutboxItem& item : s.items) {
    if (item.seq == seq) return &item;
  }
  return nullptr;
}

// Alerts first, then by seq.
bool sent_before(const OutboxItem& a, const OutboxItem& b) {
  if (a.alert != b.alert) return a.alert;
  return a.seq < b.seq;
}

// A card update waiting for its edit interval: no candidate for the head.
bool paced(const OutboxItem& item, TimeMs now) {
  return !item.card.empty() && item.not_before > now;
}

const OutboxItem* head(const OutboxState& s, TimeMs now) {
  const OutboxItem* best = nullptr;
  for (const OutboxItem& item : s.items) {
    if (paced(item, now)) continue;
    if (best == nullptr || sent_before(item, *best)) best = &item;
  }
  return best;
}

void erase(OutboxState& s, std::uint64_t seq) {
  std::erase_if(s.items, [seq](const OutboxItem& i) { return i.seq == seq; });
}

TimeMs due_at(const OutboxItem& item, const ChatPacer* pacer) {
  TimeMs t = std::max(item.next_attempt_at, item.not_before);
  if (pacer != nullptr) t = std::max(t, pacer->ready_at(item.target));
  return t;
}

}  // namespace

TimeMs ChatPacer::ready_at(const std::string& chat) const {
  const auto it = last_sent_.find(chat);
  return it == last_sent_.end() ? 0 : it->second + kChatMinInterval;
}

void ChatPacer::record_send(const std::string& chat, TimeMs now) { last_sent_[chat] = now; }

void ChatPacer::shift(TimeMs delta) {
  for (auto& [chat, at] : last_sent_) at += delta;
}

namespace {

// Drops the oldest items matching `pick` until at most `keep` of them remain.
template <typename Pick>
std::size_t trim_oldest(OutboxState& s, std::size_t keep, Pick pick) {
  const auto n = static_cast<std::size_t>(std::count_if(s.items.begin(), s.items.end(), pick));
  if (n <= keep) return 0;
  std::vector<std::uint64_t> seqs;
  for (const OutboxItem& i : s.items)
    if (pick(i)) seqs.push_back(i.seq);
  std::sort(seqs.begin(), seqs.end());
  const std::uint64_t last_dropped = seqs[n - keep - 1];
  std::erase_if(s.items, [&](const OutboxItem& i) { return pick(i) && i.seq <= last_dropped; });
  return n - keep;
}

}  // namespace

OutboxItem outbox_new_item(OutboxState& s, std::string text, TimeMs now) {
  OutboxItem item;
  item.seq = s.next_seq++;
  item.text = std::move(text);
  item.created_at = now;
  item.next_attempt_at = now;
  return item;
}

OutboxDrops outbox_enqueue(OutboxState& s, const std::string& text, bool alert,
                           const std::string& target, TimeMs now) {
  // Telegram refuses text that is not UTF-8: such a message would be retried or dropped.
  for (std::string& piece : split_message(utf8_valid(text), kTelegramMaxChars)) {
    if (only_whitespace(piece)) continue;
    OutboxItem item = outbox_new_item(s, std::move(piece), now);
    item.alert = alert;
    item.target = target;
    s.items.push_back(std::move(item));
  }
  OutboxDrops drops;
  drops.routine = trim_oldest(s, kOutboxMaxRoutine, [](const OutboxItem& i) { return !i.alert; });
  // Past the routine cap only alerts are left to trim.
  drops.alerts = trim_oldest(s, kOutboxMaxItems, [](const OutboxItem&) { return true; });
  return drops;
}

const OutboxItem* outbox_next_due(const OutboxState& s, TimeMs now, const ChatPacer* pacer) {
  const OutboxItem* h = head(s, now);
  if (h == nullptr || due_at(*h, pacer) > now) return nullptr;
  return h;
}

TimeMs outbox_next_attempt(const OutboxState& s, const ChatPacer* pacer, TimeMs now) {
  const OutboxItem* h = head(s, now);
  bool any = h != nullptr;
  TimeMs next = any ? due_at(*h, pacer) : 0;
  for (const OutboxItem& item : s.items) {
    if (!paced(item, now)) continue;
    const TimeMs at = due_at(item, pacer);
    if (!any || at < next) next = at;
    any = true;
  }
  return any ? std::max<TimeMs>(next, 1) : 0;
}

TimeMs outbox_backoff(int attempts) {
  const int doublings = std::clamp(attempts - 1, 0, 20);
  return std::min(kSecond << doublings, kOutboxMaxBackoff);
}

OutboxOutcome outbox_on_result(OutboxState& s, std::uint64_t seq, const SendResult& r, TimeMs now,
                               std::uint32_t jitter_seed) {
  OutboxItem* item = find(s, seq);
  if (item == nullptr) return OutboxOutcome::unknown_seq;
  ++item->attempts;
  item->last_error = r.error;
  switch (r.kind) {
    case SendResult::Kind::delivered: {
      const std::string chat = item->target;
      erase(s, seq);
      for (OutboxItem& other : s.items) {
        if (other.target != chat) continue;
        other.attempts = 0;
        other.next_attempt_at = std::min(other.next_attempt_at, now);
      }
      return OutboxOutcome::delivered;
    }
    case SendResult::Kind::retry_after:
      item->next_attempt_at =
          now + seconds(std::clamp<std::int64_t>(r.retry_after_seconds, 1, 24 * 3600));
      return OutboxOutcome::rescheduled;
    case SendResult::Kind::transient: {
      const TimeMs base = outbox_backoff(item->attempts);
      const TimeMs jitter =
          static_cast<TimeMs>(jitter_seed % static_cast<std::uint32_t>(base / 4 + 1));
      item->next_attempt_at = now + base - jitter;
      return OutboxOutcome::rescheduled;
    }
    case SendResult::Kind::permanent:
      if (r.edit_gone && !item->card.empty() && !item->message_id.empty()) {
        card_gone(s, *item, now);
        return OutboxOutcome::resent;
      }
      if (!r.migrate_to_chat_id.empty() && r.migrate_to_chat_id != item->target) {
        const std::string old_target = item->target;
        for (OutboxItem& other : s.items) {
          if (other.target == old_target) other.target = r.migrate_to_chat_id;
        }
        item->next_attempt_at = now;
        return OutboxOutcome::retargeted;
      }
      erase(s, seq);
      return OutboxOutcome::dropped;
  }
  return OutboxOutcome::unknown_seq;
}

}  // namespace opsd
