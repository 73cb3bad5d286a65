#include "metrics/ping_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "metrics/heartbeat.hpp"
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
constexpr std::size_t kMaxBody = 64 * 1024;

template <class Stream>
asio::awaitable<PingResult> get(Stream& stream, const PingUrl& u,
                                std::chrono::milliseconds timeout) {
  http::request<http::empty_body> req{http::verb::get, u.target, 11};
  const bool default_port = u.port == (u.tls ? "443" : "80");
  const std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  req.set(http::field::host, default_port ? host : host + ":" + u.port);
  req.set(http::field::user_agent, std::string("opsd/") + kVersion);
  req.keep_alive(false);
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [wec, w] = co_await http::async_write(stream, req, kTuple);
  if (wec) co_return PingResult{false, "sending the request failed: " + wec.message()};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxBody);
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [rec, r] = co_await http::async_read(stream, buffer, parser, kTuple);
  if (rec) {
    if (rec == beast::error::timeout) co_return PingResult{false, "timed out reading the answer"};
    co_return PingResult{false, "reading the answer failed: " + rec.message()};
  }
  const unsigned status = parser.get().result_int();
  if (status / 100 != 2) co_return PingResult{false, "HTTP " + std::to_string(status)};
  co_return PingResult{true, ""};
}

}  // namespace

class HttpPingClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::any_io_executor ex, std::string ca_file, std::chrono::milliseconds timeout)
      : ex_(std::move(ex)), timeout_(timeout), ctx_(ssl::context::tls_client) {
    error_code ec;
    ctx_.set_default_verify_paths(ec);
    if (!ca_file.empty()) {
      ctx_.load_verify_file(ca_file, ec);
      if (ec) config_error_ = "cannot load CA file " + ca_file + ": " + ec.message();
    }
    ctx_.set_verify_mode(ssl::verify_peer);
  }

  void ping(const std::string& url, std::function<void(PingResult)> done) {
    auto self = shared_from_this();
    asio::co_spawn(ex_, run(self, url),
                   [self, done = std::move(done)](std::exception_ptr e, PingResult r) {
                     if (self->stopped_) return;
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& x) {
                         r = PingResult{false, std::string("internal error: ") + x.what()};
                       }
                     }
                     done(std::move(r));
                   });
  }

  void stop() {
    stopped_ = true;
    if (socket_) beast::get_lowest_layer(*socket_).close();
    if (tls_) beast::get_lowest_layer(*tls_).close();
  }

 private:
  static asio::awaitable<PingResult> run(std::shared_ptr<Impl> self, std::string url) {
    PingResult r = co_await self->attempt(url);
    self->socket_.reset();
    self->tls_.reset();
    co_return r;
  }

  asio::awaitable<PingResult> attempt(const std::string& url) {
    if (!config_error_.empty()) co_return PingResult{false, config_error_};
    std::optional<PingUrl> u = parse_ping_url(url);
    if (!u) co_return PingResult{false, "not an http(s) URL"};
    tcp::resolver resolver(ex_);
    asio::steady_timer timer(ex_, timeout_);
    timer.async_wait([&resolver](error_code ec) {
      if (!ec) resolver.cancel();
    });
    auto [rec, endpoints] = co_await resolver.async_resolve(u->host, u->port, kTuple);
    timer.cancel();
    if (rec == asio::error::operation_aborted)
      co_return PingResult{false, "timed out resolving the host"};
    if (rec) co_return PingResult{false, "cannot resolve the host: " + rec.message()};
    beast::tcp_stream stream(ex_);
    stream.expires_after(timeout_);
    auto [cec, ep] = co_await stream.async_connect(endpoints, kTuple);
    if (cec)
      co_return PingResult{false, cec == beast::error::timeout
                                      ? "timed out connecting"
                                      : "connecting failed: " + cec.message()};
    if (!u->tls) {
      socket_ = std::make_unique<beast::tcp_stream>(std::move(stream));
      co_return co_await get(*socket_, *u, timeout_);
    }
    tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(stream), ctx_);
    error_code not_ip;
    asio::ip::make_address(u->host, not_ip);
    if (not_ip) SSL_set_tlsext_host_name(tls_->native_handle(), u->host.c_str());
    tls_->set_verify_callback(ssl::host_name_verification(u->host));
    beast::get_lowest_layer(*tls_).expires_after(timeout_);
    auto [hec] = co_await tls_->async_handshake(ssl::stream_base::client, kTuple);
    if (hec) {
      std::string msg = "TLS handshake failed: ";
      if (hec == beast::error::timeout) {
        msg += "timed out";
      } else {
        msg += hec.message();
        const long verify = SSL_get_verify_result(tls_->native_handle());
        if (verify != X509_V_OK)
          msg += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
      }
      co_return PingResult{false, msg};
    }
    co_return co_await get(*tls_, *u, timeout_);  // closed without a TLS shutdown: one GET, done
  }

  asio::any_io_executor ex_;
  std::chrono::milliseconds timeout_;
  ssl::context ctx_;
  std::string config_error_;
  std::unique_ptr<beast::tcp_stream> socket_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
  bool stopped_ = false;
};

HttpPingClient::HttpPingClient(boost::asio::any_io_executor ex, std::string ca_file,
                               std::chrono::milliseconds timeout)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(ca_file), timeout)) {}

HttpPingClient::~HttpPingClient() { impl_->stop(); }

void HttpPingClient::ping(const std::string& url, std::function<void(PingResult)> done) {
  impl_->ping(url, std::move(done));
}

}  // namespace opsd
