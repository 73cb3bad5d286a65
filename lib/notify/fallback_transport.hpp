// Tries the OpenClaw CLI first and falls back to the Bot API (docs/notifications.md: also when the
// binary exists but fails, not only when it is missing); edits of live cards the other way round.
#pragma once

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "notify/transport.hpp"

namespace opsd {

class FallbackTransport : public Transport {
 public:
  // Either may be null: a missing CLI goes straight to `fallback`; without a fallback the
  // primary's result stands. With neither, every send fails as transient (posted on `ex`).
  FallbackTransport(boost::asio::any_io_executor ex, std::unique_ptr<Transport> primary,
                    std::unique_ptr<Transport> fallback);

  // Any result of the primary other than delivered sends through the fallback, whose result
  // is returned; when that fails too its error reads "<primary error>; then <fallback error>".
  // The transports must outlive pending sends.
  void send(const std::string& chat_id, const std::string& text, bool silent,
            std::function<void(SendResult)> done) override;
  // The same for a send or an edit. An edit goes the other way round when the fallback can
  // edit (the Bot API, whose HTTPS call is cheap; the CLI starts Node for each call), and
  // fails over to the primary like a send (one bot, one chat).
  void deliver(const Delivery& d, std::function<void(SendResult)> done) override;
  bool can_edit() const override;

 private:
  boost::asio::any_io_executor ex_;
  std::unique_ptr<Transport> primary_;
  std::unique_ptr<Transport> fallback_;
};

}  // namespace opsd
