#include "notify/outbox.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "notify/split_message.hpp"
#include "util/utf8.hpp"

namespace opsd {
namespace {

bool only_whitespace(const std::string& s) {
  return s.find_first_not_of(" \t\r\n\v\f") == std::string::npos;
}

OutboxItem* find(State& s, std::uint64_t seq) {
  for (OutboxItem& item : s.outbox) {
    if (item.seq == seq) return &item;
  }
  return nullptr;
}

const OutboxItem* head(const State& s) {
  const auto it =
      std::min_element(s.outbox.begin(), s.outbox.end(),
                       [](const OutboxItem& a, const OutboxItem& b) { return a.seq < b.seq; });
  return it == s.outbox.end() ? nullptr : &*it;
}

void erase(State& s, std::uint64_t seq) {
  std::erase_if(s.outbox, [seq](const OutboxItem& i) { return i.seq == seq; });
}

TimeMs due_at(const OutboxItem& item, const ChatPacer* pacer) {
  TimeMs t = item.next_attempt_at;
  if (pacer != nullptr) t = std::max(t, pacer->ready_at(item.target));
  return t;
}

}  // namespace

TimeMs ChatPacer::ready_at(const std::string& chat) const {
  const auto it = last_sent_.find(chat);
  return it == last_sent_.end() ? 0 : it->second + kChatMinInterval;
}

void ChatPacer::record_send(const std::string& chat, TimeMs now) { last_sent_[chat] = now; }

namespace {

// Drops the oldest items matching `pick` until at most `keep` of them remain.
template <typename Pick>
std::size_t trim_oldest(State& s, std::size_t keep, Pick pick) {
  const auto n = static_cast<std::size_t>(std::count_if(s.outbox.begin(), s.outbox.end(), pick));
  if (n <= keep) return 0;
  std::vector<std::uint64_t> seqs;
  for (const OutboxItem& i : s.outbox)
    if (pick(i)) seqs.push_back(i.seq);
  std::sort(seqs.begin(), seqs.end());
  const std::uint64_t last_dropped = seqs[n - keep - 1];
  std::erase_if(s.outbox, [&](const OutboxItem& i) { return pick(i) && i.seq <= last_dropped; });
  return n - keep;
}

}  // namespace

std::size_t outbox_enqueue(State& s, const std::string& text, bool alert, const std::string& target,
                           TimeMs now) {
  // Telegram refuses text that is not UTF-8: such a message would be retried or dropped.
  for (std::string& piece : split_message(utf8_valid(text), kTelegramMaxChars)) {
    if (only_whitespace(piece)) continue;
    OutboxItem item;
    item.seq = s.next_outbox_seq++;
    item.text = std::move(piece);
    item.alert = alert;
    item.target = target;
    item.created_at = now;
    item.next_attempt_at = now;
    s.outbox.push_back(std::move(item));
  }
  const std::size_t routine =
      trim_oldest(s, kOutboxMaxRoutine, [](const OutboxItem& i) { return !i.alert; });
  const std::size_t any = trim_oldest(s, kOutboxMaxItems, [](const OutboxItem&) { return true; });
  if (routine + any > 0) {
    s.outbox_last_error = "outbox full: dropped " + std::to_string(routine) +
                          " old routine report(s) and " + std::to_string(any) +
                          " old alert(s) while messages could not be delivered";
  }
  return routine + any;
}

const OutboxItem* outbox_next_due(const State& s, TimeMs now, const ChatPacer* pacer) {
  const OutboxItem* h = head(s);
  if (h == nullptr || due_at(*h, pacer) > now) return nullptr;
  return h;
}

TimeMs outbox_next_attempt(const State& s, const ChatPacer* pacer) {
  const OutboxItem* h = head(s);
  if (h == nullptr) return 0;
  return std::max<TimeMs>(due_at(*h, pacer), 1);
}

TimeMs outbox_backoff(int attempts) {
  const int doublings = std::clamp(attempts - 1, 0, 20);
  return std::min(kSecond << doublings, kOutboxMaxBackoff);
}

OutboxOutcome outbox_on_result(State& s, std::uint64_t seq, const SendResult& r, TimeMs now,
                               std::uint32_t jitter_seed) {
  OutboxItem* item = find(s, seq);
  if (item == nullptr) return OutboxOutcome::unknown_seq;
  ++item->attempts;
  item->last_error = r.error;
  switch (r.kind) {
    case SendResult::Kind::delivered:
      erase(s, seq);
      return OutboxOutcome::delivered;
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
      if (!r.migrate_to_chat_id.empty() && r.migrate_to_chat_id != item->target) {
        const std::string old_target = item->target;
        for (OutboxItem& other : s.outbox) {
          if (other.target == old_target) other.target = r.migrate_to_chat_id;
        }
        item->next_attempt_at = now;
        return OutboxOutcome::retargeted;
      }
      s.outbox_last_error = "chat " + (item->target.empty() ? "(default)" : item->target) + ": " +
                            (r.error.empty() ? "permanent delivery failure" : r.error);
      erase(s, seq);
      return OutboxOutcome::dropped;
  }
  return OutboxOutcome::unknown_seq;
}

}  // namespace opsd
