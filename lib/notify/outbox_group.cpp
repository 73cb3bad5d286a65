#include "notify/outbox_group.hpp"

#include "notify/split_message.hpp"
#include "util/utf8.hpp"

namespace opsd {
namespace {

bool fits_one_message(const std::string& text) {
  return split_message(text, kTelegramMaxChars).size() <= 1;
}

OutboxItem* open_group(OutboxState& s, bool alert, const std::string& target, TimeMs now) {
  for (OutboxItem& item : s.items) {
    if (item.group && item.alert == alert && item.target == target && item.attempts == 0 &&
        item.card.empty() && item.not_before > now)
      return &item;
  }
  return nullptr;
}

}  // namespace

OutboxDrops outbox_enqueue_grouped(OutboxState& s, const std::string& header,
                                   const std::string& body, bool alert, const std::string& target,
                                   TimeMs now, TimeMs window) {
  const std::string valid_body = utf8_valid(body);
  if (OutboxItem* g = open_group(s, alert, target, now)) {
    std::string joined = g->text + "\n\n" + valid_body;
    if (fits_one_message(joined)) {
      g->text = std::move(joined);
      return {};
    }
    g->group = false;  // full: it goes out as it is when its window ends
  }
  const std::string text = utf8_valid(header) + "\n\n" + valid_body;
  if (window <= 0 || !fits_one_message(text)) return outbox_enqueue(s, text, alert, target, now);
  const std::uint64_t first = s.next_seq;
  const OutboxDrops drops = outbox_enqueue(s, text, alert, target, now);
  for (OutboxItem& item : s.items) {
    if (item.seq < first) continue;
    item.group = true;
    item.not_before = now + window;
  }
  return drops;
}

}  // namespace opsd
