// One HTTP(S) GET to a heartbeat URL: the dead-man's switch's only I/O.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

namespace opsd {

struct PingResult {
  bool ok = false;    // a 2xx answer
  std::string error;  // why not; names no secret part of the URL
};

class PingClient {
 public:
  virtual ~PingClient() = default;
  // GETs `url`; `done` runs later on the executor's thread, never inside ping().
  virtual void ping(const std::string& url, std::function<void(PingResult)> done) = 0;
};

// Beast over Asio, on the daemon's io_context. https:// verifies the peer against the system
// store (plus `ca_file`, PEM) and its host name, with SNI, as the Bot API transport does;
// http:// is plain. A fresh connection per ping, `timeout` for each of resolve, connect+TLS,
// write and read; the answer's body is capped at 64 KiB. Callbacks of pings still in flight
// when the client is destroyed are dropped.
class HttpPingClient final : public PingClient {
 public:
  HttpPingClient(boost::asio::any_io_executor ex, std::string ca_file,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpPingClient() override;
  void ping(const std::string& url, std::function<void(PingResult)> done) override;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace opsd
