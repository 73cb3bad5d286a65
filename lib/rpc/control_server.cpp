#include "rpc/control_server.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <exception>
#include <unordered_set>
#include "rpc/socket_file.hpp"

namespace opsd {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using Local = asio::local::stream_protocol;
using namespace asio::experimental::awaitable_operators;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

class Session;

struct ServerCore {
  ServerCore(asio::io_context& io_in, ServerOptions opts_in, Handler handler_in)
      : io(io_in), opts(std::move(opts_in)), handler(std::move(handler_in)), acceptor(io_in) {}

  void remove(const std::shared_ptr<Session>& s) {
    if (sessions.erase(s) > 0) count = sessions.size();
  }
  asio::io_context& io;
  ServerOptions opts;
  Handler handler;
  Local::acceptor acceptor;
  std::int64_t own_uid = static_cast<std::int64_t>(::geteuid());
  std::unordered_set<std::shared_ptr<Session>> sessions;
  std::atomic<std::size_t> count{0};
  bool started = false;
  bool stopped = false;
  std::optional<SocketFileId> bound;  // the socket file this server created
};

// Logs what escapes a spawned coroutine; the server itself goes on.
auto log_failure(const char* what) {
  return [what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      spdlog::error("control socket: {} failed: {}", what, x.what());
    } catch (...) {
      spdlog::error("control socket: {} failed", what);
    }
  };
}

// The handler's outcome, shared with the handler's coroutine so a timed-out request can be
// answered without waiting for it.
struct PendingCall {
  explicit PendingCall(const asio::any_io_executor& ex) : done(ex) {}
  asio::steady_timer done;
  std::optional<ParsedResponse> reply;
};

awaitable<void> run_handler(Handler handler, Request req, PeerCred peer,
                            std::shared_ptr<PendingCall> call) {
  ParsedResponse reply;
  try {
    reply = co_await handler(req, peer);
  } catch (const std::exception& e) {
    spdlog::error("control socket: method {} threw: {}", req.method, e.what());
    reply =
        ParsedResponse::failure(Fault::internal_error, std::string("internal error: ") + e.what());
  } catch (...) {
    spdlog::error("control socket: method {} threw a non-standard exception", req.method);
    reply = ParsedResponse::failure(Fault::internal_error, "internal error");
  }
  call->reply = std::move(reply);
  call->done.expires_at(asio::steady_timer::time_point::min());  // wakes the waiting session
}

// Writes one line without waiting and drops the connection (refused peers, over capacity).
void refuse(Local::socket& sock, const RpcError& e) {
  boost::system::error_code ec;
  const std::string line = make_error(nullptr, e);
  sock.non_blocking(true, ec);
  sock.write_some(asio::buffer(line), ec);
  sock.shutdown(Local::socket::shutdown_both, ec);
  sock.close(ec);
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<ServerCore> core, Local::socket sock, PeerCred peer)
      : core_(std::move(core)),
        socket_(std::move(sock)),
        peer_(peer),
        wake_(socket_.get_executor()),
        read_timer_(socket_.get_executor()),
        write_timer_(socket_.get_executor()) {}

  // Reads and answers requests until the client leaves or the session is closed.
  awaitable<void> run() {
    co_await (read_loop() && write_loop());
    core_->remove(shared_from_this());
  }

  // Evictable when full: no request is being handled and no reply is waiting to be written.
  bool evictable() const { return !closed_ && !pending_ && replies_.empty(); }
  // Idle sessions go before ones in the middle of a request; then the longest waiting first.
  bool evict_before(const Session& o) const {
    if (frames_.has_partial() != o.frames_.has_partial()) return !frames_.has_partial();
    return since_ < o.since_;
  }

  void close() {
    if (closed_) return;
    closed_ = closing_ = true;
    boost::system::error_code ec;
    socket_.shutdown(Local::socket::shutdown_both, ec);
    socket_.close(ec);
    wake_.cancel();
    read_timer_.cancel();
    write_timer_.cancel();
    if (pending_) pending_->done.cancel();
  }

 private:
  awaitable<void> read_loop() {
    std::vector<char> chunk(64 * 1024);
    while (!closing_) {
      while (!closing_) {
        std::optional<std::string> line = frames_.next_line();
        if (!line) break;
        co_await handle_line(*line);
      }
      if (closing_) break;
      if (frames_.oversized()) {
        spdlog::warn("control socket: pid {} sent a request over 1 MiB; disconnecting", peer_.pid);
        enqueue(make_error(nullptr, {Fault::invalid_request, "request exceeds 1 MiB"}));
        break;
      }
      const bool partial = frames_.has_partial();
      // A request has request_timeout from its first byte on, however slowly it trickles in;
      // a connection without one is idle from its last request (or its connect) on.
      if (!partial || !partial_) since_ = std::chrono::steady_clock::now();
      partial_ = partial;
      read_timer_.expires_at(since_ +
                             (partial ? core_->opts.request_timeout : core_->opts.idle_timeout));
      auto got = co_await (socket_.async_read_some(asio::buffer(chunk), kTuple) ||
                           read_timer_.async_wait(kTuple));
      if (got.index() == 1) {
        if (closing_) break;
        spdlog::info("control socket: pid {} {}; disconnecting", peer_.pid,
                     partial ? "stalled in the middle of a request" : "idle");
        if (partial) enqueue(make_error(nullptr, {Fault::timeout, "incomplete request timed out"}));
        break;
      }
      auto [ec, n] = std::get<0>(got);
      if (ec) {
        // The client finished sending; a last line without "\n" still counts.
        if (ec == asio::error::eof && frames_.has_partial())
          co_await handle_line(frames_.take_partial());
        break;
      }
      frames_.append(std::string_view(chunk.data(), n));
    }
    closing_ = true;  // the writer flushes what is queued, then closes
    wake_.cancel();
  }

  awaitable<void> write_loop() {
    while (!closed_) {
      if (replies_.empty()) {
        if (closing_) break;
        wake_.expires_at(asio::steady_timer::time_point::max());
        co_await wake_.async_wait(kTuple);
        continue;
      }
      write_timer_.expires_after(core_->opts.request_timeout);
      auto done = co_await (asio::async_write(socket_, asio::buffer(replies_.front()), kTuple) ||
                            write_timer_.async_wait(kTuple));
      if (done.index() == 1) {
        if (!closed_)
          spdlog::warn("control socket: pid {} does not read its replies; disconnecting",
                       peer_.pid);
        break;
      }
      if (std::get<0>(std::get<0>(done))) break;
      replies_.pop_front();
    }
    close();
  }

  awaitable<void> handle_line(const std::string& line) {
    if (line.empty()) co_return;
    ParsedRequest parsed = parse_request(line);
    if (parsed.error) {
      if (!parsed.notification) enqueue(make_error(parsed.id, *parsed.error));
      co_return;
    }
    const Request& req = *parsed.request;
    ParsedResponse reply = co_await call_handler(req);
    if (closed_ || req.notification) co_return;
    if (reply.error) {
      enqueue(make_error(req.id, *reply.error));
    } else if (reply.result_text) {
      enqueue(make_result_text(req.id, *reply.result_text));
    } else {
      enqueue(make_result(req.id, reply.result.value_or(nullptr)));
    }
  }

  awaitable<ParsedResponse> call_handler(const Request& req) {
    auto call = std::make_shared<PendingCall>(socket_.get_executor());
    call->done.expires_after(core_->opts.request_timeout);
    pending_ = call;
    asio::co_spawn(socket_.get_executor(), run_handler(core_->handler, req, peer_, call),
                   asio::detached);
    if (!call->reply) co_await call->done.async_wait(kTuple);
    pending_.reset();
    if (call->reply) co_return std::move(*call->reply);
    if (!closed_) {
      spdlog::warn("control socket: method {} did not answer within {} ms", req.method,
                   core_->opts.request_timeout.count());
    }
    co_return ParsedResponse::failure(
        Fault::timeout, "method " + req.method + " did not answer within " +
                            std::to_string(core_->opts.request_timeout.count()) + " ms");
  }

  // Queues one reply line; a client that lets too many pile up is dropped.
  void enqueue(std::string line) {
    if (closed_) return;
    if (replies_.size() >= core_->opts.max_queued_replies) {
      spdlog::warn("control socket: pid {} has {} unread replies; disconnecting", peer_.pid,
                   replies_.size());
      close();
      return;
    }
    replies_.push_back(std::move(line));
    wake_.cancel();
  }

  std::shared_ptr<ServerCore> core_;
  Local::socket socket_;
  PeerCred peer_;
  FrameBuffer frames_;
  std::deque<std::string> replies_;  // front() is the write in flight
  asio::steady_timer wake_;          // the writer sleeps on it while replies_ is empty
  asio::steady_timer read_timer_;
  asio::steady_timer write_timer_;
  std::shared_ptr<PendingCall> pending_;
  bool closing_ = false;  // no more requests are read; queued replies are still written
  bool closed_ = false;
  bool partial_ = false;  // frames_ held part of a request at the last read
  // Start of the current request (partial_) or of the idle wait: the read deadline's base.
  std::chrono::steady_clock::time_point since_ = std::chrono::steady_clock::now();
};

awaitable<void> session_main(std::shared_ptr<Session> s) { co_await s->run(); }

void admit(const std::shared_ptr<ServerCore>& core, Local::socket sock) {
  Result<PeerCred> cred = peer_cred(sock.native_handle());
  if (!cred) {
    spdlog::warn("control socket: refused a client: {}", cred.error().message);
    refuse(sock, {Fault::permission_denied, "cannot identify the caller"});
    return;
  }
  if (!peer_allowed(*cred, core->own_uid)) {
    spdlog::warn("control socket: refused pid {} uid {}: only uid {} or root may call", cred->pid,
                 cred->uid, core->own_uid);
    refuse(sock, {Fault::permission_denied, "permission denied: only uid " +
                                                std::to_string(core->own_uid) +
                                                " or root may use this socket"});
    return;
  }
  if (core->sessions.size() >= core->opts.max_clients) {
    // Room for the newcomer: the session that waits longest without a request in progress
    // (idle first) is closed. Only when every session is being answered is the newcomer refused.
    std::shared_ptr<Session> victim;
    for (const auto& s : core->sessions)
      if (s->evictable() && (!victim || s->evict_before(*victim))) victim = s;
    if (!victim) {
      spdlog::warn("control socket: refused pid {}: {} clients connected, all busy", cred->pid,
                   core->sessions.size());
      refuse(sock, {Fault::internal_error, "too many clients connected; try again"});
      return;
    }
    spdlog::info("control socket: {} clients connected; closing the longest-waiting one",
                 core->sessions.size());
    victim->close();
    core->remove(victim);
  }
  auto session = std::make_shared<Session>(core, std::move(sock), *cred);
  core->sessions.insert(session);
  core->count = core->sessions.size();
  asio::co_spawn(core->io, session_main(session), log_failure("session"));
}

awaitable<void> accept_loop(std::shared_ptr<ServerCore> core) {
  asio::steady_timer backoff(core->io);
  while (!core->stopped) {
    auto [ec, sock] = co_await core->acceptor.async_accept(kTuple);
    if (core->stopped || ec == asio::error::operation_aborted) break;
    if (ec) {
      // E.g. out of file descriptors: pause instead of spinning.
      spdlog::warn("control socket: accept failed: {}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(kTuple);
      continue;
    }
    admit(core, std::move(sock));
  }
}

}  // namespace

struct ControlServer::State : ServerCore {
  using ServerCore::ServerCore;
};

ControlServer::ControlServer(asio::io_context& io, ServerOptions opts, Handler handler)
    : state_(std::make_shared<State>(io, std::move(opts), std::move(handler))) {}

ControlServer::~ControlServer() { stop(); }

Status ControlServer::bind() {
  const std::string& path = state_->opts.socket_path;
  if (Status s = prepare_socket_path(path); !s) return s;
  boost::system::error_code ec;
  auto& acceptor = state_->acceptor;
  if (acceptor.open(Local(), ec); ec) {
    return Error{"cannot create control socket: " + ec.message()};
  }
  if (acceptor.bind(Local::endpoint(path), ec); ec) {
    acceptor.close(ec);
    return Error{"cannot bind control socket " + path + ": " + ec.message()};
  }
  Result<SocketFileId> id = socket_file_id(path);
  if (::chmod(path.c_str(), 0600) != 0 || !id) {
    acceptor.close(ec);
    ::unlink(path.c_str());
    return Error{"cannot make control socket " + path + " private"};
  }
  state_->bound = *id;
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    stop();
    return Error{"cannot listen on control socket " + path + ": " + ec.message()};
  }
  spdlog::info("control socket listening on {}", path);
  return Status::Ok();
}

Status ControlServer::adopt(int fd) {
  if (Status st = check_listening_socket(fd); !st) return st;
  boost::system::error_code ec;
  if (state_->acceptor.assign(Local(), fd, ec); ec)
    return Error{"cannot take over control socket fd " + std::to_string(fd) + ": " + ec.message()};
  if (Result<SocketFileId> id = socket_file_id(state_->opts.socket_path); id) state_->bound = *id;
  return Status::Ok();
}

int ControlServer::listen_fd() const {
  return state_->acceptor.is_open() ? state_->acceptor.native_handle() : -1;
}

void ControlServer::start() {
  if (state_->started || state_->stopped || !state_->acceptor.is_open()) return;
  state_->started = true;
  asio::co_spawn(state_->io, accept_loop(state_), log_failure("accept loop"));
}

void ControlServer::stop() {
  State& st = *state_;
  if (st.stopped) return;
  st.stopped = true;
  boost::system::error_code ec;
  st.acceptor.close(ec);
  // Sessions hold the core; clearing the set breaks the cycle even if the loop never runs again.
  auto sessions = std::move(st.sessions);
  st.sessions.clear();
  st.count = 0;
  for (const auto& s : sessions) s->close();
  if (st.bound) {
    remove_socket_file_if_ours(st.opts.socket_path, *st.bound);
    st.bound.reset();
  }
}

std::size_t ControlServer::session_count() const { return state_->count; }

}  // namespace opsd
