// JSON-RPC 2.0 over newline-delimited frames: the pure part of the control socket (no I/O).
// One frame is one JSON text followed by "\n"; a frame's bytes (without "\n") are capped at
// kMaxFrameBytes, except replies read by the client (kMaxReplyBytes).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rpc/fault.hpp"

namespace opsd {

constexpr std::size_t kMaxFrameBytes = 1 << 20;
// The client's cap on one reply: `status` takes about 550 bytes a job, several MiB for
// thousands of jobs.
constexpr std::size_t kMaxReplyBytes = std::size_t{64} << 20;

// True when a frame of `line_bytes` bytes (excluding the "\n") is over the cap.
constexpr bool frame_too_long(std::size_t line_bytes) { return line_bytes > kMaxFrameBytes; }

// Maps a wire code back to a Fault; nullopt for codes opsd does not define.
std::optional<Fault> fault_from_code(std::int64_t code);

struct Request {
  boost::json::value id;  // string, number or null; null for notifications
  std::string method;
  boost::json::object params;  // {} when absent
  bool notification = false;   // the request had no "id" member: it gets no reply
};

// Exactly one of request/error is set. `id` is the request's id when it could be read (for
// the error reply), else null. A notification's errors are not answered.
struct ParsedRequest {
  std::optional<Request> request;
  std::optional<RpcError> error;
  boost::json::value id;
  bool notification = false;
};

// parse_error for malformed JSON; invalid_request when the text is not a JSON-RPC 2.0 request
// object (batches included) or its id is not a string/number/null; invalid_params when params
// is present but not an object.
ParsedRequest parse_request(std::string_view line);

// Each returns one frame including the trailing "\n".
std::string make_result(const boost::json::value& id, const boost::json::value& result);
// The same frame around `result_json`, text that is already one JSON value.
std::string make_result_text(const boost::json::value& id, std::string_view result_json);
// {"jsonrpc":"2.0","id":..,"error":{"code":int,"message":..,"data":{"fault":"<name>"}}}
std::string make_error(const boost::json::value& id, const RpcError& e);
std::string make_request(std::string_view method, const boost::json::object& params,
                         std::int64_t id);

// The result's JSON text when `line` (without "\n") is framed exactly as make_result_text
// frames it for request `id`; nullopt for any other line (errors, other servers' layouts).
// Lets a client pass a large answer through without parsing and re-serializing it; the
// text is trusted as opsd's own serialization.
std::optional<std::string_view> framed_result_text(std::string_view line, std::int64_t id);

// A reply: result or error (a handler's return value, or a parsed response line).
// `protocol_error` is non-empty when a parsed line was not a JSON-RPC 2.0 response at all;
// then neither result nor error is set.
struct ParsedResponse {
  std::optional<boost::json::value> result;
  // A handler's result already written as JSON text (large answers); wins over `result`.
  std::optional<std::string> result_text;
  std::optional<RpcError> error;
  boost::json::value id;
  std::string protocol_error;

  static ParsedResponse success(boost::json::value result);
  static ParsedResponse success_text(std::string result_json);
  static ParsedResponse failure(Fault code, std::string message);
};

// Unknown error codes become internal_error keeping the server's message. Values are
// allocated from `sp`; when it is the default resource, from a monotonic arena the result
// owns.
ParsedResponse parse_response(std::string_view line, boost::json::storage_ptr sp = {});

// Splits a byte stream into frames. Lines are returned without "\n" (a trailing "\r" is
// dropped too). Once a line grows past `max_line_bytes` the buffer is oversized for good:
// the stream cannot be resynchronised, so the caller must drop the connection.
class FrameBuffer {
 public:
  explicit FrameBuffer(std::size_t max_line_bytes = kMaxFrameBytes) : max_(max_line_bytes) {}

  void append(std::string_view bytes) { buf_.append(bytes); }
  // The next complete line, or nullopt when none is complete yet or the buffer is oversized.
  std::optional<std::string> next_line();
  bool oversized() const { return oversized_; }
  // Bytes of an unfinished line are buffered.
  bool has_partial() const { return !buf_.empty(); }
  // Takes the unfinished line (for a stream that ended without a final "\n").
  std::string take_partial();

 private:
  std::string buf_;
  std::size_t scanned_ = 0;  // bytes of buf_ known to hold no "\n"
  std::size_t max_;
  bool oversized_ = false;
};

}  // namespace opsd
