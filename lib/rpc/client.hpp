// Client: the blocking JSON-RPC caller opsctl uses. Plain POSIX sockets, no Asio.
#pragma once

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "rpc/fault.hpp"

namespace opsd {

struct ClientError {
  enum class Kind {
    unreachable,  // no daemon at the socket path (message names the path)
    timeout,      // connected, but no complete reply in time
    protocol,     // the reply was not a JSON-RPC 2.0 response for our request
    rpc,          // the daemon answered with an error; see `rpc`
  } kind;
  std::string message;
  std::optional<RpcError> rpc;
};

// Bytes read from the socket, in a buffer that grows without zero-filling.
class ReplyBuffer {
 public:
  std::string_view view() const { return {data_.get(), size_}; }
  // Free space of at least `at_least` bytes after the data, for the next read.
  std::pair<char*, std::size_t> space(std::size_t at_least);
  void commit(std::size_t n) { size_ += n; }  // n bytes were written into space()
  void truncate(std::size_t n) { size_ = std::min(size_, n); }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
};

class Client {
 public:
  // `timeout` bounds one whole call: connect, send and the reply.
  explicit Client(std::string socket_path,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // One connection per call: connects, sends one request, reads one reply line (at most
  // kMaxReplyBytes) and returns its result. The result is allocated from `sp` when given
  // (e.g. a caller's monotonic arena for a large answer; it must outlive the result).
  std::variant<boost::json::value, ClientError> call(std::string_view method,
                                                     const boost::json::object& params,
                                                     boost::json::storage_ptr sp = {});

  // The same call, returning the result as JSON text: opsd's own framing is passed through
  // without parsing (a status answer with thousands of jobs), any other is parsed and
  // serialized.
  std::variant<std::string, ClientError> call_text(std::string_view method,
                                                   const boost::json::object& params);

  const std::string& socket_path() const { return socket_path_; }

 private:
  // Connects, sends request `id` and returns the reply line.
  std::variant<ReplyBuffer, ClientError> exchange(std::string_view method,
                                                  const boost::json::object& params,
                                                  std::int64_t id);
  // The reply line as a result or an error.
  std::variant<boost::json::value, ClientError> interpret(std::string_view line, std::int64_t id,
                                                          boost::json::storage_ptr sp);

  std::string socket_path_;
  std::chrono::milliseconds timeout_;
  std::int64_t next_id_ = 1;
};

}  // namespace opsd
