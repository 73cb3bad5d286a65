#include "notify/fallback_transport.hpp"

#include <utility>

#include <boost/asio/post.hpp>

namespace opsd {

FallbackTransport::FallbackTransport(boost::asio::any_io_executor ex,
                                     std::unique_ptr<Transport> primary,
                                     std::unique_ptr<Transport> fallback)
    : ex_(std::move(ex)), primary_(std::move(primary)), fallback_(std::move(fallback)) {}

void FallbackTransport::send(const std::string& chat_id, const std::string& text, bool silent,
                             std::function<void(SendResult)> done) {
  Delivery d;
  d.chat_id = chat_id;
  d.text = text;
  d.silent = silent;
  deliver(d, std::move(done));
}

bool FallbackTransport::can_edit() const {
  return (primary_ && primary_->can_edit()) || (fallback_ && fallback_->can_edit());
}

void FallbackTransport::deliver(const Delivery& d, std::function<void(SendResult)> done) {
  if (!primary_ && !fallback_) {
    SendResult r;
    r.kind = SendResult::Kind::transient;
    r.error = "no way to send: openclaw not found and no Telegram bot token";
    boost::asio::post(ex_, [r = std::move(r), done = std::move(done)]() mutable { done(r); });
    return;
  }
  if (!primary_) {
    fallback_->deliver(d, std::move(done));
    return;
  }
  primary_->deliver(d, [this, d, done = std::move(done)](SendResult first) mutable {
    if (first.kind == SendResult::Kind::delivered || !fallback_) {
      done(std::move(first));
      return;
    }
    fallback_->deliver(d, [first_error = std::move(first.error),
                           done = std::move(done)](SendResult second) mutable {
      if (second.kind != SendResult::Kind::delivered && !first_error.empty()) {
        second.error = first_error + "; then " + second.error;
      }
      done(std::move(second));
    });
  });
}

}  // namespace opsd
