#include "notify/telegram_api.hpp"

#include <charconv>
#include <cstdint>

#include <boost/json.hpp>

namespace opsd {
namespace {

namespace json = boost::json;

// The printable start of a body, for error messages.
std::string excerpt(std::string_view body) {
  std::string out;
  for (const char c : body.substr(0, 200)) {
    out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  }
  return out;
}

std::string id_text(const json::value* v) {
  if (v == nullptr) return {};
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  if (v->is_string()) return std::string(v->as_string());
  return {};
}

// A number when `id` is a decimal integer (as Telegram sends ids), else the string.
json::value id_value(const std::string& id) {
  std::int64_t n = 0;
  const char* end = id.data() + id.size();
  auto [ptr, ec] = std::from_chars(id.data(), end, n);
  if (!id.empty() && ec == std::errc() && ptr == end) return n;
  return json::string(id);
}

bool contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

}  // namespace

Result<ApiEndpoint> parse_api_root(std::string_view api_root) {
  ApiEndpoint ep;
  std::string_view rest;
  if (api_root.substr(0, 8) == "https://") {
    rest = api_root.substr(8);
  } else if (api_root.substr(0, 7) == "http://") {
    ep.tls = false;
    rest = api_root.substr(7);
  } else {
    return Error{"apiRoot must start with https:// or http://"};
  }
  if (rest.find_first_of("?#@ ") != std::string_view::npos) {
    return Error{"apiRoot must not contain user info, a query, a fragment or spaces"};
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) ep.path_prefix = std::string(rest.substr(slash));
  while (!ep.path_prefix.empty() && ep.path_prefix.back() == '/') ep.path_prefix.pop_back();
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error{"apiRoot has an unclosed '[' in its host"};
    ep.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return Error{"apiRoot has a malformed host"};
    if (!after.empty()) port = after.substr(1);
  } else {
    const std::size_t colon = authority.rfind(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (ep.host.empty()) return Error{"apiRoot has no host"};
  if (port.empty()) {
    ep.port = ep.tls ? "443" : "80";
  } else if (port.find_first_not_of("0123456789") != std::string_view::npos || port.size() > 5 ||
             std::stoul(std::string(port)) > 65535 || std::stoul(std::string(port)) == 0) {
    return Error{"apiRoot has an invalid port"};
  } else {
    ep.port = std::string(port);
  }
  return ep;
}

std::string send_message_target(const ApiEndpoint& ep, std::string_view token) {
  return ep.path_prefix + "/bot" + std::string(token) + "/sendMessage";
}

std::string host_header(const ApiEndpoint& ep) {
  std::string host = ep.host.find(':') != std::string::npos ? "[" + ep.host + "]" : ep.host;
  if (ep.port != (ep.tls ? "443" : "80")) host += ":" + ep.port;
  return host;
}

std::string method_target(const ApiEndpoint& ep, std::string_view token, std::string_view method) {
  return ep.path_prefix + "/bot" + std::string(token) + "/" + std::string(method);
}

std::string send_message_body(const std::string& chat_id, const std::string& text, bool silent,
                              const std::string& thread_id) {
  json::object body;
  body["chat_id"] = chat_id;
  body["text"] = text;
  body["link_preview_options"] = json::object{{"is_disabled", true}};
  body["disable_notification"] = silent;
  if (!thread_id.empty()) body["message_thread_id"] = id_value(thread_id);
  return json::serialize(body);
}

std::string edit_message_body(const std::string& chat_id, const std::string& message_id,
                              const std::string& text) {
  json::object body;
  body["chat_id"] = chat_id;
  body["message_id"] = id_value(message_id);
  body["text"] = text;
  body["link_preview_options"] = json::object{{"is_disabled", true}};
  return json::serialize(body);
}

ApiRequest api_request(const Delivery& d) {
  if (!d.edit_message_id.empty())
    return {"editMessageText", edit_message_body(d.chat_id, d.edit_message_id, d.text)};
  return {"sendMessage", send_message_body(d.chat_id, d.text, d.silent, d.thread_id)};
}

SendResult classify_telegram_response(int http_status, std::string_view body, bool edit) {
  SendResult r;
  r.http_status = http_status;
  boost::system::error_code ec;
  const json::value doc = json::parse(body, ec);
  const json::object* obj = !ec && doc.is_object() ? &doc.as_object() : nullptr;
  const json::value* ok = obj != nullptr ? obj->if_contains("ok") : nullptr;
  const json::value* desc = obj != nullptr ? obj->if_contains("description") : nullptr;
  const json::value* params_v = obj != nullptr ? obj->if_contains("parameters") : nullptr;
  const json::object* params =
      params_v != nullptr && params_v->is_object() ? &params_v->as_object() : nullptr;

  if (http_status == 200 && ok != nullptr && ok->is_bool() && ok->as_bool()) {
    r.kind = SendResult::Kind::delivered;
    const json::value* res = obj->if_contains("result");
    if (res != nullptr && res->is_object())
      r.message_id = id_text(res->as_object().if_contains("message_id"));
    return r;
  }
  const std::string reason = desc != nullptr && desc->is_string()
                                 ? std::string(desc->as_string())
                                 : (body.empty() ? "empty response" : excerpt(body));
  r.error = "HTTP " + std::to_string(http_status) + ": " + reason;
  if (edit && http_status == 400 && contains(reason, "message is not modified")) {
    r.kind = SendResult::Kind::delivered;
    r.error.clear();
    return r;
  }
  if (edit && http_status == 400 &&
      (contains(reason, "message to edit not found") ||
       contains(reason, "message can't be edited"))) {
    r.kind = SendResult::Kind::permanent;
    r.edit_gone = true;
    return r;
  }
  if (http_status == 429) {
    r.kind = SendResult::Kind::retry_after;
    r.retry_after_seconds = 5;
    const json::value* ra = params != nullptr ? params->if_contains("retry_after") : nullptr;
    if (ra != nullptr && ra->is_int64() && ra->as_int64() > 0)
      r.retry_after_seconds = ra->as_int64();
    return r;
  }
  r.migrate_to_chat_id =
      id_text(params != nullptr ? params->if_contains("migrate_to_chat_id") : nullptr);
  if (!r.migrate_to_chat_id.empty()) {
    r.kind = SendResult::Kind::permanent;
    return r;
  }
  r.kind = http_status >= 500 || http_status == 408 ? SendResult::Kind::transient
                                                    : SendResult::Kind::permanent;
  return r;
}

}  // namespace opsd
