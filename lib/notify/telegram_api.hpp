// The Telegram Bot API wire format used by sendMessage (docs/notifications.md): the endpoint
// derived from apiRoot, the request body, and how a response maps to a SendResult. Pure, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "notify/transport.hpp"
#include "util/result.hpp"

namespace opsd {

// apiRoot split into its parts: "https://api.telegram.org", "http://127.0.0.1:8081/tg".
struct ApiEndpoint {
  bool tls = true;          // https:// (only http:// turns TLS off)
  std::string host;         // name or address, IPv6 without brackets
  std::string port;         // "443" / "80" unless given
  std::string path_prefix;  // "" or "/tg" (no trailing '/')
};

// Parses apiRoot. Only http:// and https:// are accepted; user info, query and fragment are
// refused. Errors name the problem, not the URL (which holds no secret, but stay uniform).
Result<ApiEndpoint> parse_api_root(std::string_view api_root);

// "<prefix>/bot<token>/sendMessage": the request target. Contains the token: never log it.
std::string send_message_target(const ApiEndpoint& ep, std::string_view token);
// "<prefix>/bot<token>/<method>" (sendMessage, editMessageText).
std::string method_target(const ApiEndpoint& ep, std::string_view token, std::string_view method);

// The Host header value: host, plus ":port" when not the scheme's default.
std::string host_header(const ApiEndpoint& ep);

// {"chat_id", "text", "link_preview_options": {"is_disabled": true}, "disable_notification":
// silent} plus "message_thread_id" (a number when `thread_id` is one) unless thread_id is "".
std::string send_message_body(const std::string& chat_id, const std::string& text, bool silent,
                              const std::string& thread_id = "");
// editMessageText: {"chat_id", "message_id", "text", "link_preview_options"}.
std::string edit_message_body(const std::string& chat_id, const std::string& message_id,
                              const std::string& text);
// The request of `d`: its method (sendMessage / editMessageText) and JSON body.
struct ApiRequest {
  std::string method{};
  std::string body{};
};
ApiRequest api_request(const Delivery& d);

// Maps an HTTP response of sendMessage to a SendResult:
// 200 with ok:true -> delivered; 429 -> retry_after (parameters.retry_after, default 5 s);
// parameters.migrate_to_chat_id -> permanent with migrate_to_chat_id; 5xx and 408 ->
// transient; every other status (400, 401, 403, 404, 200 without ok:true, ...) -> permanent.
// error reads "HTTP <status>: <description>" (description from the body, else its first
// 200 bytes). A delivered response carries result.message_id. For editMessageText ("edit"):
// "message is not modified" is delivered; "message to edit not found" and "message can't be
// edited" are permanent with edit_gone.
SendResult classify_telegram_response(int http_status, std::string_view body, bool edit = false);

}  // namespace opsd
