#include "rpc/client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <boost/json/serialize.hpp>

#include "rpc/peer_cred.hpp"
#include "rpc/protocol.hpp"

namespace opsd {
namespace {

using Clock = std::chrono::steady_clock;

// Least free space offered to one recv.
constexpr std::size_t kMinRead = 64 * 1024;

#if defined(MSG_NOSIGNAL)
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0;  // SO_NOSIGPIPE is set on the socket instead
#endif

// Owns one file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

ClientError fail(ClientError::Kind kind, std::string message) {
  return ClientError{kind, std::move(message), std::nullopt};
}

// Milliseconds left before `deadline`, at least 0.
int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits until `fd` is ready for `events`; false on timeout.
bool wait_ready(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, ms_left(deadline));
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return true;  // let the following call report the error
  }
}

}  // namespace

std::pair<char*, std::size_t> ReplyBuffer::space(std::size_t at_least) {
  if (cap_ - size_ < at_least) {
    const std::size_t cap = std::max(cap_ * 2, size_ + at_least);
    std::unique_ptr<char[]> grown(new char[cap]);  // default-initialized: not zero-filled
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    cap_ = cap;
  }
  return {data_.get() + size_, cap_ - size_};
}

Client::Client(std::string socket_path, std::chrono::milliseconds timeout)
    : socket_path_(std::move(socket_path)), timeout_(timeout) {}

std::variant<ReplyBuffer, ClientError> Client::exchange(std::string_view method,
                                                        const boost::json::object& params,
                                                        std::int64_t id) {
  using Kind = ClientError::Kind;
  const auto deadline = Clock::now() + timeout_;
  const std::string at = " (socket " + socket_path_ + ")";

  const std::string request = make_request(method, params, id);
  if (frame_too_long(request.size() - 1)) {
    return fail(Kind::protocol, "request for " + std::string(method) + " exceeds 1 MiB");
  }

  sockaddr_un addr{};
  if (socket_path_.size() >= sizeof(addr.sun_path)) {
    return fail(Kind::unreachable, "socket path is too long: " + socket_path_);
  }
  Fd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
  if (fd.get() < 0) return fail(Kind::unreachable, std::string("socket: ") + std::strerror(errno));
  ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
#if defined(SO_NOSIGPIPE)
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#endif
  ::fcntl(fd.get(), F_SETFL, O_NONBLOCK);

  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path_.c_str(), socket_path_.size() + 1);
  for (;;) {
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0) break;
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {  // the daemon's backlog is full: retry until the deadline
      if (ms_left(deadline) == 0)
        return fail(Kind::timeout, "opsd did not accept the connection in time" + at);
      ::poll(nullptr, 0, 10);
      continue;
    }
    if (errno == EINPROGRESS) {
      if (!wait_ready(fd.get(), POLLOUT, deadline))
        return fail(Kind::timeout, "connect timed out" + at);
      int err = 0;
      socklen_t len = sizeof(err);
      ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) break;
      errno = err;
    }
    return fail(Kind::unreachable,
                "opsd is not reachable at " + socket_path_ + ": " + std::strerror(errno));
  }

  // Nothing is sent to a server run by another user: it could be anyone's socket in our place.
  Result<PeerCred> server = peer_cred(fd.get());
  const auto own_uid = static_cast<std::int64_t>(::getuid());
  if (!server || !peer_allowed(*server, own_uid))
    return fail(Kind::protocol,
                "refusing to talk to " + socket_path_ + ": " +
                    (server ? "it is served by uid " + std::to_string(server->uid) +
                                  ", not by uid " + std::to_string(own_uid) + " or root"
                            : server.error().message) +
                    "; nothing was sent");

  // Send. If the daemon hangs up early it may still have written an error line: read it.
  bool send_failed = false;
  for (std::size_t sent = 0; sent < request.size() && !send_failed;) {
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, kSendFlags);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!wait_ready(fd.get(), POLLOUT, deadline))
        return fail(Kind::timeout, "sending the request timed out" + at);
    } else if (errno != EINTR) {
      send_failed = true;
    }
  }

  // The reply is read straight into one growing buffer that is never zero-filled: a status
  // answer is hundreds of kB, and every byte touched or copied costs page faults.
  ReplyBuffer reply;
  std::size_t scanned = 0;
  for (;;) {
    const std::string_view got = reply.view();
    if (const std::size_t nl = got.find('\n', scanned); nl != std::string_view::npos) {
      if (nl > kMaxReplyBytes) break;
      reply.truncate(nl > 0 && got[nl - 1] == '\r' ? nl - 1 : nl);
      return reply;
    }
    scanned = got.size();
    if (scanned > kMaxReplyBytes) break;
    auto [dest, room] = reply.space(kMinRead);
    const ssize_t n = ::recv(fd.get(), dest, room, 0);
    if (n > 0) {
      reply.commit(static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      return fail(Kind::protocol, "opsd closed the connection without a reply" + at);
    }
    if (errno != EINTR && !wait_ready(fd.get(), POLLIN, deadline)) {
      return fail(Kind::timeout,
                  "no reply from opsd within " + std::to_string(timeout_.count()) + " ms" + at);
    }
  }
  return fail(Kind::protocol, "reply exceeds 64 MiB" + at);
}

std::variant<boost::json::value, ClientError> Client::call(std::string_view method,
                                                           const boost::json::object& params,
                                                           boost::json::storage_ptr sp) {
  const std::int64_t id = next_id_++;
  auto line = exchange(method, params, id);
  if (auto* e = std::get_if<ClientError>(&line)) return std::move(*e);
  return interpret(std::get<ReplyBuffer>(line).view(), id, std::move(sp));
}

std::variant<std::string, ClientError> Client::call_text(std::string_view method,
                                                         const boost::json::object& params) {
  const std::int64_t id = next_id_++;
  auto line = exchange(method, params, id);
  if (auto* e = std::get_if<ClientError>(&line)) return std::move(*e);
  const std::string_view text = std::get<ReplyBuffer>(line).view();
  if (auto result = framed_result_text(text, id)) return std::string(*result);
  auto v = interpret(text, id, {});
  if (auto* e = std::get_if<ClientError>(&v)) return std::move(*e);
  return boost::json::serialize(std::get<boost::json::value>(v));
}

std::variant<boost::json::value, ClientError> Client::interpret(std::string_view line,
                                                                std::int64_t id,
                                                                boost::json::storage_ptr sp) {
  using Kind = ClientError::Kind;
  const std::string at = " (socket " + socket_path_ + ")";
  ParsedResponse reply = parse_response(line, std::move(sp));
  if (!reply.protocol_error.empty()) return fail(Kind::protocol, reply.protocol_error + at);
  if (reply.error) {
    // An error about the frame itself (oversize, refused peer) may carry a null id.
    if (!(reply.id.is_int64() && reply.id.get_int64() == id) && !reply.id.is_null()) {
      return fail(Kind::protocol, "reply is for another request" + at);
    }
    return ClientError{Kind::rpc, reply.error->message, reply.error};
  }
  if (!(reply.id.is_int64() && reply.id.get_int64() == id)) {
    return fail(Kind::protocol, "reply is for another request" + at);
  }
  return std::move(*reply.result);
}

}  // namespace opsd
