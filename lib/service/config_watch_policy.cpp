#include "service/config_watch_policy.hpp"

#include <functional>

namespace opsd {

bool ConfigWatchPolicy::take_read(TimeMs now) {
  if (!due_at_ || now < *due_at_) return false;
  due_at_.reset();
  return true;
}

bool ConfigWatchPolicy::content_changed(const std::optional<std::string>& text) {
  std::optional<std::pair<std::size_t, std::size_t>> now;
  if (text) now.emplace(text->size(), std::hash<std::string>{}(*text));
  if (seen_any_ && seen_ == now) return false;
  seen_any_ = true;
  seen_ = now;
  return true;
}

bool ConfigWatchPolicy::alert_due(const std::vector<std::string>& errors) {
  if (alerted_ && *alerted_ == errors) return false;
  alerted_ = errors;
  return true;
}

}  // namespace opsd
