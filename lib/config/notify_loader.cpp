#include "config/notify_loader.hpp"

#include <boost/json.hpp>

#include "config/json_fields.hpp"

namespace opsd::config_detail {

namespace json = boost::json;

namespace {

// A chat id or topic id: a string or an integer ("" when absent or null).
std::string read_id(const json::object& o, std::string_view key, const std::string& path,
                    std::string_view what, Diagnostics& d) {
  const json::value* v = member(o, key);
  if (v == nullptr || v->is_null()) return "";
  if (v->is_string()) return trim(v->get_string());
  if (v->is_int64() || v->is_uint64()) return json::serialize(*v);
  d.error(path, "must be " + std::string(what) + " (string or integer), got " +
                    std::string(type_name(*v)));
  return "";
}

// A topic id: Telegram's message_thread_id is a positive integer.
std::string read_thread(const json::object& o, std::string_view key, const std::string& path,
                        Diagnostics& d) {
  std::string id = read_id(o, key, path, "a forum topic id", d);
  if (!id.empty() && (id.find_first_not_of("0123456789") != std::string::npos || id == "0")) {
    d.error(path, "must be a positive integer (the topic's message_thread_id), got \"" + id + "\"");
    return "";
  }
  return id;
}

void read_seconds(const json::object& o, std::string_view key, std::int64_t lo, std::int64_t hi,
                  std::int64_t& out, Diagnostics& d) {
  const json::value* v = member(o, key);
  if (v == nullptr || v->is_null()) return;
  const std::string path = key_path("notify", key);
  std::optional<std::int64_t> n = as_integer(*v);
  if (!n || *n < lo || *n > hi) {
    d.error(path, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
                      " (seconds), got " + json::serialize(*v));
    return;
  }
  out = *n;
}

}  // namespace

void read_notify_delivery(const json::object& o, NotifyConfig& n, Diagnostics& d) {
  if (const json::value* p = member(o, "progress"); p && !p->is_null()) {
    if (p->is_string() && p->get_string() == "card")
      n.progress = NotifyProgress::card;
    else if (p->is_string() && p->get_string() == "messages")
      n.progress = NotifyProgress::messages;
    else
      d.error("notify.progress", "must be \"card\" or \"messages\", got " + json::serialize(*p));
  }
  read_seconds(o, "cardEditSeconds", kMinCardEditSeconds, kMaxCardEditSeconds, n.card_edit_seconds,
               d);
  read_seconds(o, "groupWaitSeconds", 0, kMaxGroupWaitSeconds, n.group_wait_seconds, d);
  n.thread_id = read_thread(o, "threadId", "notify.threadId", d);
  const json::value* a = member(o, "alerts");
  if (a == nullptr || a->is_null()) return;
  if (!a->is_object()) {
    d.error("notify.alerts",
            "must be an object {target, threadId}, got " + std::string(type_name(*a)));
    return;
  }
  const json::object& alerts = a->get_object();
  warn_unknown_keys(alerts, {"target", "threadId"}, "notify.alerts", d);
  n.alerts_target = read_id(alerts, "target", "notify.alerts.target", "a chat id", d);
  n.alerts_thread_id = read_thread(alerts, "threadId", "notify.alerts.threadId", d);
}

}  // namespace opsd::config_detail
