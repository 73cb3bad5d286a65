// ControlServer: opsd's control socket. Newline-delimited JSON-RPC 2.0 on a Unix socket,
// one coroutine session per client on the daemon's single-threaded io_context.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "rpc/peer_cred.hpp"
#include "rpc/protocol.hpp"
#include "util/result.hpp"

namespace boost::asio {
class io_context;
}

namespace opsd {

// The daemon's dispatcher. Returns a result or an error (ParsedResponse::success/failure);
// may co_await. A throw becomes internal_error for that request only. Unknown methods are
// the handler's to refuse (method_not_found).
using Handler =
    std::function<boost::asio::awaitable<ParsedResponse>(const Request& req, const PeerCred& peer)>;

struct ServerOptions {
  std::string socket_path;
  // A handler that has not answered by then gets a timeout error (it keeps running, its
  // late answer is dropped). Also bounds a whole request frame from its first byte (a client
  // trickling bytes gets no more time) and writing one reply.
  std::chrono::milliseconds request_timeout{30000};
  // A connection with no bytes pending is closed after this long without a request.
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};
  // When this many are connected, a newcomer takes the place of the session waiting longest
  // without a request being handled (idle ones first); only when all are busy is it refused
  // with an error line.
  std::size_t max_clients = 256;
  std::size_t max_queued_replies = 64;  // a client that lets more pile up is disconnected
};

class ControlServer {
 public:
  ControlServer(boost::asio::io_context& io, ServerOptions opts, Handler handler);
  ~ControlServer();  // stop()s
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Creates the socket's parent directory (mode 0700) when missing, replaces a stale socket
  // file (nobody accepts on it), refuses when a live opsd answers on it, binds, chmods the
  // socket 0600 and listens. Call once, before start().
  Status bind();
  // Instead of bind(): takes over `fd`, a listening socket bound to socket_path by an earlier
  // opsd image (handed over across execve); the socket file is not touched. Fails when `fd` is
  // not a listening Unix socket.
  Status adopt(int fd);
  // The listening socket's fd (-1 before bind()/adopt()); it stays owned here.
  int listen_fd() const;
  // Spawns the accept loop on the io_context. Requires a successful bind().
  void start();
  // Closes the acceptor and every session and unlinks the socket file if it is still the one
  // bound here. Idempotent. Call on the io_context's thread or while it is not running.
  void stop();
  // Open sessions; safe to read from any thread.
  std::size_t session_count() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace opsd
