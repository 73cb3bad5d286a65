#include "notify/telegram_transport.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <deque>
#include <optional>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "notify/redact.hpp"
#include "notify/telegram_api.hpp"
#include "version.hpp"

namespace opsd {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct Pending {
  Delivery d;
  std::function<void(SendResult)> done;
};

SendResult transient(std::string error) {
  SendResult r;
  r.kind = SendResult::Kind::transient;
  r.error = std::move(error);
  return r;
}

bool is_ip_address(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// Errors that mean a kept-alive connection was closed by the server while idle.
bool is_stale_connection(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

// What happened to one request on an open connection.
struct Exchange {
  error_code ec;
  std::string stage;              // where ec happened
  bool response_started = false;  // some response bytes arrived before ec
  int status = 0;
  std::string body;
  bool keep_alive = false;
};

template <class Stream>
asio::awaitable<Exchange> exchange(Stream& stream, http::request<http::string_body>& req,
                                   beast::flat_buffer& buffer, std::chrono::milliseconds timeout,
                                   std::size_t body_limit) {
  Exchange x;
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [wec, written] = co_await http::async_write(stream, req, kTuple);
  if (wec) {
    x.ec = wec;
    x.stage = "sending the request";
    co_return x;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [rec, read] = co_await http::async_read(stream, buffer, parser, kTuple);
  if (rec) {
    x.ec = rec;
    x.stage = "reading the response";
    x.response_started = parser.got_some();
    co_return x;
  }
  x.status = static_cast<int>(parser.get().result_int());
  x.body = std::move(parser.get().body());
  x.keep_alive = parser.get().keep_alive();
  co_return x;
}

}  // namespace

class TelegramTransport::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::any_io_executor ex, TelegramOptions opts)
      : ex_(std::move(ex)), opts_(std::move(opts)), ctx_(ssl::context::tls_client) {
    auto ep = parse_api_root(opts_.api_root);
    if (ep) {
      ep_ = *ep;
    } else {
      config_error_ = ep.error().message;
    }
    error_code ec;
    ctx_.set_default_verify_paths(ec);  // a missing system store only matters without ca_file
    if (!opts_.ca_file.empty()) {
      ctx_.load_verify_file(opts_.ca_file, ec);
      if (ec) config_error_ = "cannot load CA file " + opts_.ca_file + ": " + ec.message();
    }
    ctx_.set_verify_mode(ssl::verify_peer);
    if (opts_.token.empty()) config_error_ = "no Telegram bot token configured";
  }

  void enqueue(Pending p) {
    queue_.push_back(std::move(p));
    if (running_) return;
    running_ = true;
    asio::co_spawn(ex_, drain(shared_from_this()), asio::detached);
  }

  // Cancels every operation in flight and forgets queued sends; no callback runs afterwards.
  void stop() {
    stopped_ = true;
    queue_.clear();
    if (resolver_) resolver_->cancel();
    if (connecting_) connecting_->close();
    if (tls_) beast::get_lowest_layer(*tls_).close();
    if (plain_) plain_->close();
  }

 private:
  static asio::awaitable<void> drain(std::shared_ptr<Impl> self) {
    while (!self->queue_.empty() && !self->stopped_) {
      Pending p = std::move(self->queue_.front());
      self->queue_.pop_front();
      SendResult r;
      try {
        r = co_await self->send_one(p);
      } catch (const std::exception& e) {
        r = transient(std::string("internal error: ") + e.what());
        self->reset_connection();
      }
      r.error = redact_token(r.error, self->opts_.token);
      if (!self->stopped_) p.done(std::move(r));
    }
    self->running_ = false;
  }

  std::string where() const { return "Bot API " + host_header(ep_) + ": "; }

  std::string describe(const error_code& ec, const std::string& stage) const {
    if (ec == beast::error::timeout) {
      return where() + "timed out " + stage + " (after " + std::to_string(opts_.timeout.count()) +
             " ms)";
    }
    if (ec == http::error::body_limit) {
      return where() + "response body over " + std::to_string(opts_.max_body_bytes) + " bytes";
    }
    return where() + stage + " failed: " + ec.message();
  }

  // Destroys the connection; only when no operation is pending on it.
  void reset_connection() {
    tls_.reset();
    plain_.reset();
    buffer_.clear();
  }

  asio::awaitable<SendResult> send_one(const Pending& p) {
    if (config_error_) co_return transient(*config_error_);
    const ApiRequest api = api_request(p.d);
    const bool edit = !p.d.edit_message_id.empty();
    http::request<http::string_body> req{http::verb::post,
                                         method_target(ep_, opts_.token, api.method), 11};
    req.set(http::field::host, host_header(ep_));
    req.set(http::field::user_agent, std::string("opsd/") + kVersion);
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = api.body;
    req.prepare_payload();
    for (int attempt = 0;; ++attempt) {
      const bool reused = tls_ || plain_;
      if (!reused) {
        if (auto failure = co_await connect()) co_return std::move(*failure);
      }
      if (stopped_) co_return transient("transport stopped");
      Exchange x;  // (no co_await inside ?: here: GCC 12 destroys its result twice)
      if (tls_) {
        x = co_await exchange(*tls_, req, buffer_, opts_.timeout, opts_.max_body_bytes);
      } else {
        x = co_await exchange(*plain_, req, buffer_, opts_.timeout, opts_.max_body_bytes);
      }
      if (!x.ec) {
        if (!x.keep_alive) reset_connection();
        co_return classify_telegram_response(x.status, x.body, edit);
      }
      reset_connection();
      if (reused && attempt == 0 && !x.response_started && is_stale_connection(x.ec)) continue;
      co_return transient(describe(x.ec, x.stage));
    }
  }

  // Opens tls_ or plain_; returns the failure otherwise.
  asio::awaitable<std::optional<SendResult>> connect() {
    buffer_.clear();
    resolver_ = std::make_shared<tcp::resolver>(ex_);
    asio::steady_timer timer(ex_, opts_.timeout);
    timer.async_wait([r = resolver_](error_code ec) {
      if (!ec) r->cancel();
    });
    auto [rec, endpoints] = co_await resolver_->async_resolve(ep_.host, ep_.port, kTuple);
    timer.cancel();
    resolver_.reset();
    if (rec == asio::error::operation_aborted && !stopped_) {
      co_return transient(where() + "timed out resolving the host");
    }
    if (rec) co_return transient(where() + "cannot resolve the host: " + rec.message());

    connecting_ = std::make_unique<beast::tcp_stream>(ex_);
    connecting_->expires_after(opts_.timeout);
    auto [cec, endpoint] = co_await connecting_->async_connect(endpoints, kTuple);
    if (cec) {
      connecting_.reset();
      co_return transient(describe(cec, "connecting"));
    }
    if (!ep_.tls) {
      plain_ = std::move(connecting_);
      co_return std::nullopt;
    }
    auto stream = std::make_unique<TlsStream>(std::move(*connecting_), ctx_);
    connecting_.reset();
    if (!is_ip_address(ep_.host))
      SSL_set_tlsext_host_name(stream->native_handle(), ep_.host.c_str());
    stream->set_verify_callback(ssl::host_name_verification(ep_.host));
    tls_ = std::move(stream);  // reachable by stop() during the handshake
    beast::get_lowest_layer(*tls_).expires_after(opts_.timeout);
    auto [hec] = co_await tls_->async_handshake(ssl::stream_base::client, kTuple);
    if (hec) {
      std::string msg = where() + "TLS handshake failed: ";
      if (hec == beast::error::timeout) {
        msg += "timed out";
      } else {
        msg += hec.message();
        const long verify = SSL_get_verify_result(tls_->native_handle());
        if (verify != X509_V_OK)
          msg += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
      }
      reset_connection();
      co_return transient(std::move(msg));
    }
    co_return std::nullopt;
  }

  asio::any_io_executor ex_;
  TelegramOptions opts_;
  ApiEndpoint ep_;
  std::optional<std::string> config_error_;
  ssl::context ctx_;
  std::shared_ptr<tcp::resolver> resolver_;
  std::unique_ptr<beast::tcp_stream> connecting_;
  std::unique_ptr<TlsStream> tls_;
  std::unique_ptr<beast::tcp_stream> plain_;
  beast::flat_buffer buffer_;
  std::deque<Pending> queue_;
  bool running_ = false;
  bool stopped_ = false;
};

TelegramTransport::TelegramTransport(boost::asio::any_io_executor ex, TelegramOptions opts)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(opts))) {}

TelegramTransport::~TelegramTransport() { impl_->stop(); }

void TelegramTransport::send(const std::string& chat_id, const std::string& text, bool silent,
                             std::function<void(SendResult)> done) {
  Delivery d;
  d.chat_id = chat_id;
  d.text = text;
  d.silent = silent;
  deliver(d, std::move(done));
}

void TelegramTransport::deliver(const Delivery& d, std::function<void(SendResult)> done) {
  impl_->enqueue(Pending{d, std::move(done)});
}

}  // namespace opsd
