// The /metrics and /healthz HTTP endpoint (metrics.listen), served by Beast on the daemon's
// own io_context (one thread). Bounded: at most max_connections open (more are closed at
// once), a request's header and body within max_request_bytes (else 431/413 and close), and
// each request read and response write within request_timeout (idle keep-alive connections
// close after it).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace boost::asio {
class io_context;
}

namespace opsd {

struct MetricsServerOptions {
  std::string listen;  // "host:port" (port 0: any free port) or a Unix socket path
  std::size_t max_connections = 16;
  std::size_t max_request_bytes = 8192;
  std::chrono::milliseconds request_timeout{10000};
};

struct HttpAnswer {
  unsigned status = 200;
  std::string content_type;
  std::string body;
};

// Routing, without I/O: GET /metrics -> 200 with render(); GET /healthz -> 200 "ok"; GET / ->
// 200 with links; other paths -> 404; other methods -> 405. The query string is ignored.
HttpAnswer answer_http(std::string_view method, std::string_view target,
                       const std::function<std::string()>& render);

class MetricsServer {
 public:
  // `render` produces the exposition text; called on the io_context's thread.
  MetricsServer(boost::asio::io_context& io, MetricsServerOptions options,
                std::function<std::string()> render);
  ~MetricsServer();  // stop()s
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds and listens. A Unix socket path that exists is replaced only when nothing accepts
  // on it; the socket is made 0660. Errors name the address.
  Status bind();
  // Spawns the accept loop. Requires a successful bind().
  void start();
  // Closes the listener (and removes a Unix socket file); open connections end after their
  // current request.
  void stop();
  // The bound address: "127.0.0.1:9478" (the real port when 0 was asked) or the socket path.
  std::string local_address() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace opsd
