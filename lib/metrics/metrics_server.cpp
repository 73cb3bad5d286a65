#include "metrics/metrics_server.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "config/metrics_loader.hpp"
#include "metrics/exposition.hpp"
#include "rpc/socket_file.hpp"

namespace opsd {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;
using boost::system::error_code;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

HttpAnswer answer_http(std::string_view method, std::string_view target,
                       const std::function<std::string()>& render) {
  std::string_view path = target.substr(0, target.find('?'));
  if (method != "GET") return {405, "text/plain; charset=utf-8", "only GET is supported\n"};
  if (path == "/metrics") return {200, std::string(kExpositionContentType), render()};
  if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
  if (path == "/")
    return {200, "text/html; charset=utf-8",
            "<html><body><h1>opsd</h1><p><a href=\"/metrics\">/metrics</a> "
            "<a href=\"/healthz\">/healthz</a></p></body></html>\n"};
  return {404, "text/plain; charset=utf-8", "not found: try /metrics or /healthz\n"};
}

class MetricsServer::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, MetricsServerOptions opts, std::function<std::string()> render)
      : io_(io), opts_(std::move(opts)), render_(std::move(render)) {}

  Status bind() {
    error_code ec;
    if (!opts_.listen.empty() && opts_.listen.front() == '/') {
      if (Status st = prepare_socket_path(opts_.listen); !st)
        return Error{"metrics.listen " + opts_.listen + ": " + st.message()};
      unix_.emplace(io_);
      local::endpoint ep(opts_.listen);
      if (unix_->open(ep.protocol(), ec); !ec) unix_->bind(ep, ec);
      if (!ec) unix_->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return Error{"metrics.listen " + opts_.listen + ": cannot listen: " + ec.message()};
      ::chmod(opts_.listen.c_str(), 0660);
      if (auto id = socket_file_id(opts_.listen)) socket_id_ = *id;
      return Status::Ok();
    }
    std::string host, port;
    if (!config_detail::split_host_port(opts_.listen, host, port))
      return Error{"metrics.listen: not host:port: " + opts_.listen};
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(host, port, tcp::resolver::numeric_service, ec);
    if (ec || results.empty())
      return Error{"metrics.listen " + opts_.listen + ": cannot resolve: " + ec.message()};
    tcp::endpoint ep = results.begin()->endpoint();
    tcp_.emplace(io_);
    if (tcp_->open(ep.protocol(), ec); !ec)
      tcp_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) tcp_->bind(ep, ec);
    if (!ec) tcp_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Error{"metrics.listen " + opts_.listen + ": cannot listen: " + ec.message()};
    return Status::Ok();
  }

  void start() {
    auto self = shared_from_this();
    auto log = [](const char* what) {
      return [what](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          spdlog::error("metrics server: {} failed: {}", what, x.what());
        }
      };
    };
    if (tcp_) asio::co_spawn(io_, accept_loop<tcp>(self, *tcp_), log("accept loop"));
    if (unix_) asio::co_spawn(io_, accept_loop<local>(self, *unix_), log("accept loop"));
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    error_code ec;
    if (tcp_) tcp_->close(ec);
    if (unix_) {
      unix_->close(ec);
      if (socket_id_) remove_socket_file_if_ours(opts_.listen, *socket_id_);
    }
  }

  std::string local_address() const {
    if (unix_) return opts_.listen;
    if (!tcp_) return "";
    error_code ec;
    tcp::endpoint ep = tcp_->local_endpoint(ec);
    if (ec) return opts_.listen;
    std::string addr = ep.address().to_string();
    if (ep.address().is_v6()) addr = "[" + addr + "]";
    return addr + ":" + std::to_string(ep.port());
  }

 private:
  template <class Protocol>
  static asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self,
                                           typename Protocol::acceptor& acceptor) {
    asio::steady_timer backoff(self->io_);
    while (!self->stopped_) {
      auto [ec, sock] = co_await acceptor.async_accept(kTuple);
      if (self->stopped_) break;
      if (ec) {
        if (ec == asio::error::operation_aborted) break;
        spdlog::warn("metrics server: accept failed: {}", ec.message());
        backoff.expires_after(std::chrono::milliseconds(100));  // e.g. out of descriptors
        co_await backoff.async_wait(kTuple);
        continue;
      }
      if (self->active_ >= self->opts_.max_connections) {
        error_code ignored;
        sock.close(ignored);  // over the limit: refused by closing
        continue;
      }
      ++self->active_;
      asio::co_spawn(self->io_, session<Protocol>(self, std::move(sock)),
                     [self](std::exception_ptr e) {
                       --self->active_;
                       if (!e) return;
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& x) {
                         spdlog::warn("metrics server: connection failed: {}", x.what());
                       }
                     });
    }
  }

  template <class Protocol>
  static asio::awaitable<void> session(std::shared_ptr<Impl> self, typename Protocol::socket sock) {
    beast::basic_stream<Protocol> stream(std::move(sock));
    beast::flat_buffer buffer(self->opts_.max_request_bytes);
    while (!self->stopped_) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(self->opts_.max_request_bytes));
      parser.body_limit(self->opts_.max_request_bytes);
      stream.expires_after(self->opts_.request_timeout);
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, kTuple);
      HttpAnswer answer;
      bool keep_alive = false;
      unsigned version = 11;
      if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
        answer = {431, "text/plain; charset=utf-8", "request header too large\n"};
      } else if (ec == http::error::body_limit) {
        answer = {413, "text/plain; charset=utf-8", "request body too large\n"};
      } else if (ec) {
        break;  // closed, timed out or not HTTP: nothing to answer
      } else {
        const auto& req = parser.get();
        answer = answer_http(req.method_string(), req.target(), self->render_);
        keep_alive = req.keep_alive();
        version = req.version();
      }
      http::response<http::string_body> res{static_cast<http::status>(answer.status), version};
      res.set(http::field::content_type, answer.content_type);
      res.set(http::field::server, "opsd");
      res.keep_alive(keep_alive && !self->stopped_);
      res.body() = std::move(answer.body);
      res.prepare_payload();
      stream.expires_after(self->opts_.request_timeout);
      auto [wec, written] = co_await http::async_write(stream, res, kTuple);
      if (wec || !res.keep_alive()) break;
    }
    error_code ignored;
    stream.socket().shutdown(Protocol::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
  }

  asio::io_context& io_;
  MetricsServerOptions opts_;
  std::function<std::string()> render_;
  std::optional<tcp::acceptor> tcp_;
  std::optional<local::acceptor> unix_;
  std::optional<SocketFileId> socket_id_;
  std::size_t active_ = 0;
  bool stopped_ = false;
};

MetricsServer::MetricsServer(asio::io_context& io, MetricsServerOptions options,
                             std::function<std::string()> render)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(render))) {}

MetricsServer::~MetricsServer() { impl_->stop(); }

Status MetricsServer::bind() { return impl_->bind(); }
void MetricsServer::start() { impl_->start(); }
void MetricsServer::stop() { impl_->stop(); }
std::string MetricsServer::local_address() const { return impl_->local_address(); }

}  // namespace opsd
