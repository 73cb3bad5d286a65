// Sends messages through the Telegram Bot API over HTTPS (docs/notifications.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "notify/transport.hpp"

namespace opsd {

struct TelegramOptions {
  std::string api_root = "https://api.telegram.org";  // https:// (TLS) or http:// (plain)
  std::string token;                                  // bot token; never appears in errors
  std::string ca_file;  // PEM file of extra CAs to trust besides the system store ("" = none)
  std::chrono::milliseconds timeout{20000};  // for each of resolve, connect+TLS, write, read
  std::size_t max_body_bytes = 64 * 1024;    // larger responses fail as transient
};

// POST {apiRoot}/bot{token}/sendMessage (or editMessageText) with the JSON body of
// telegram_api.hpp. TLS verifies the peer against the system store (plus ca_file) and the host name
// (SNI for names). One keep-alive connection is reused across sends; sends are queued and go one at
// a time. A reused connection that the server closed meanwhile is reopened once. Results are
// classified by classify_telegram_response; network, timeout and TLS failures are
// transient. Single-threaded: call send() from the executor's thread.
class TelegramTransport : public Transport {
 public:
  TelegramTransport(boost::asio::any_io_executor ex, TelegramOptions opts);
  // Closes the connection; callbacks of sends still pending are dropped, not called.
  ~TelegramTransport() override;
  TelegramTransport(const TelegramTransport&) = delete;
  TelegramTransport& operator=(const TelegramTransport&) = delete;

  void send(const std::string& chat_id, const std::string& text, bool silent,
            std::function<void(SendResult)> done) override;
  // sendMessage, or editMessageText when d.edit_message_id is set (docs/notifications.md).
  void deliver(const Delivery& d, std::function<void(SendResult)> done) override;
  bool can_edit() const override { return true; }

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace opsd
