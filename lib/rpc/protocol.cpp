#include "rpc/protocol.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace opsd {
namespace json = boost::json;

namespace {

constexpr Fault kAllFaults[] = {
    Fault::parse_error,       Fault::invalid_request,   Fault::method_not_found,
    Fault::invalid_params,    Fault::internal_error,    Fault::unknown_job,
    Fault::wrong_kind,        Fault::already_running,   Fault::not_running,
    Fault::refused_by_policy, Fault::approval_required, Fault::shutting_down,
    Fault::config_error,      Fault::permission_denied, Fault::timeout,
};

bool valid_id(const json::value& id) { return id.is_string() || id.is_number() || id.is_null(); }

ParsedRequest request_error(Fault code, std::string message, json::value id = nullptr,
                            bool notification = false) {
  ParsedRequest out;
  out.error = RpcError{code, std::move(message)};
  out.id = std::move(id);
  out.notification = notification;
  return out;
}

std::string frame(const json::object& obj) {
  std::string out = json::serialize(obj);
  out.push_back('\n');
  return out;
}

ParsedResponse malformed(std::string why) {
  ParsedResponse out;
  out.protocol_error = std::move(why);
  return out;
}

}  // namespace

std::optional<Fault> fault_from_code(std::int64_t code) {
  for (Fault f : kAllFaults) {
    if (static_cast<std::int64_t>(f) == code) return f;
  }
  return std::nullopt;
}

ParsedRequest parse_request(std::string_view line) {
  boost::system::error_code ec;
  json::value doc = json::parse(line, ec);
  if (ec) return request_error(Fault::parse_error, "malformed JSON: " + ec.message());
  if (doc.is_array())
    return request_error(Fault::invalid_request, "batch requests are not supported");
  if (!doc.is_object())
    return request_error(Fault::invalid_request, "request must be a JSON object");
  const json::object& obj = doc.get_object();

  const json::value* id = obj.if_contains("id");
  const bool notification = id == nullptr;
  if (id != nullptr && !valid_id(*id)) {
    return request_error(Fault::invalid_request, "id must be a string, a number or null");
  }
  json::value echo_id = id != nullptr ? *id : json::value(nullptr);

  const json::value* version = obj.if_contains("jsonrpc");
  if (version == nullptr || !version->is_string() || version->get_string() != "2.0") {
    return request_error(Fault::invalid_request, "jsonrpc must be \"2.0\"", echo_id, notification);
  }
  const json::value* method = obj.if_contains("method");
  if (method == nullptr || !method->is_string()) {
    return request_error(Fault::invalid_request, "method must be a string", echo_id, notification);
  }
  Request req;
  req.method = std::string(method->get_string());
  if (const json::value* params = obj.if_contains("params")) {
    if (!params->is_object()) {
      return request_error(Fault::invalid_params, "params must be an object", echo_id,
                           notification);
    }
    req.params = params->get_object();
  }
  req.id = echo_id;
  req.notification = notification;

  ParsedRequest out;
  out.id = std::move(echo_id);
  out.notification = notification;
  out.request = std::move(req);
  return out;
}

std::string make_result_text(const json::value& id, std::string_view result_json) {
  std::string out;
  out.reserve(result_json.size() + 48);
  out += R"({"jsonrpc":"2.0","id":)";
  out += json::serialize(id);
  out += R"(,"result":)";
  out += result_json;
  out += "}\n";
  return out;
}

std::optional<std::string_view> framed_result_text(std::string_view line, std::int64_t id) {
  const std::string prefix = R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"result":)";
  if (line.size() <= prefix.size() + 1 || line.substr(0, prefix.size()) != prefix ||
      line.back() != '}')
    return std::nullopt;
  return line.substr(prefix.size(), line.size() - prefix.size() - 1);
}

std::string make_result(const json::value& id, const json::value& result) {
  // The same bytes as framing {"jsonrpc", "id", "result"}, without a deep copy of `result`.
  return make_result_text(id, json::serialize(result));
}

std::string make_error(const json::value& id, const RpcError& e) {
  json::object error{
      {"code", static_cast<int>(e.code)}, {"message", e.message}, {"data", {{"fault", e.name()}}}};
  return frame({{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}});
}

std::string make_request(std::string_view method, const json::object& params, std::int64_t id) {
  return frame({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
}

ParsedResponse ParsedResponse::success(json::value result) {
  ParsedResponse out;
  out.result = std::move(result);
  return out;
}

ParsedResponse ParsedResponse::success_text(std::string result_json) {
  ParsedResponse out;
  out.result_text = std::move(result_json);
  return out;
}

ParsedResponse ParsedResponse::failure(Fault code, std::string message) {
  ParsedResponse out;
  out.error = RpcError{code, std::move(message)};
  return out;
}

ParsedResponse parse_response(std::string_view line, json::storage_ptr sp) {
  boost::system::error_code ec;
  // One arena for the whole reply (a status answer is thousands of values), freed with it.
  if (sp.get() == json::storage_ptr().get())
    sp = json::make_shared_resource<json::monotonic_resource>();
  json::value doc = json::parse(line, ec, std::move(sp));
  if (ec) return malformed("response is not valid JSON: " + ec.message());
  if (!doc.is_object()) return malformed("response is not a JSON object");
  json::object& obj = doc.get_object();
  const json::value* version = obj.if_contains("jsonrpc");
  if (version == nullptr || !version->is_string() || version->get_string() != "2.0") {
    return malformed("response lacks jsonrpc \"2.0\"");
  }
  ParsedResponse out;
  if (json::value* id = obj.if_contains("id")) out.id = std::move(*id);

  json::value* result = obj.if_contains("result");
  json::value* error = obj.if_contains("error");
  if ((result == nullptr) == (error == nullptr)) {
    return malformed("response must hold exactly one of result and error");
  }
  if (result != nullptr) {
    out.result = std::move(*result);
    return out;
  }
  if (!error->is_object()) return malformed("response error is not an object");
  const json::object& err = error->get_object();
  const json::value* code = err.if_contains("code");
  const json::value* message = err.if_contains("message");
  if (code == nullptr || !code->is_int64())
    return malformed("response error code is not an integer");
  RpcError rpc;
  if (message != nullptr && message->is_string()) rpc.message = std::string(message->get_string());
  rpc.code = fault_from_code(code->get_int64()).value_or(Fault::internal_error);
  out.error = std::move(rpc);
  return out;
}

std::optional<std::string> FrameBuffer::next_line() {
  if (oversized_) return std::nullopt;
  const std::size_t nl = buf_.find('\n', scanned_);
  if (nl == std::string::npos) {
    scanned_ = buf_.size();
    if (scanned_ > max_) oversized_ = true;
    return std::nullopt;
  }
  if (nl > max_) {
    oversized_ = true;
    return std::nullopt;
  }
  std::string line = buf_.substr(0, nl);
  buf_.erase(0, nl + 1);
  scanned_ = 0;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string FrameBuffer::take_partial() {
  std::string rest = std::move(buf_);
  buf_.clear();
  scanned_ = 0;
  if (!rest.empty() && rest.back() == '\r') rest.pop_back();
  return rest;
}

}  // namespace opsd
