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
  Transport* first = primary_.get();
  Transport* second = fallback_.get();
  // An edit (a live card, every notify.cardEditSeconds) tries the Bot API first: each CLI call
  // starts Node, seconds of CPU. One bot, one chat: the CLI's message ids are the Bot API's.
  if (!d.edit_message_id.empty() && second && second->can_edit()) std::swap(first, second);
  if (!first) {
    second->deliver(d, std::move(done));
    return;
  }
  first->deliver(d, [second, d, done = std::move(done)](SendResult tried) mutable {
    if (tried.kind == SendResult::Kind::delivered || !second) {
      done(std::move(tried));
      return;
    }
    second->deliver(
        d, [first_error = std::move(tried.error), done = std::move(done)](SendResult r) mutable {
          if (r.kind != SendResult::Kind::delivered && !first_error.empty()) {
            r.error = first_error + "; then " + r.error;
          }
          done(std::move(r));
        });
  });
}

}  // namespace opsd
