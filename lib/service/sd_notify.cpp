#include "service/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace opsd {

namespace {

std::optional<std::int64_t> env_watchdog_usec() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (!usec || !*usec) return std::nullopt;
  if (const char* wpid = std::getenv("WATCHDOG_PID"); wpid && *wpid) {
    if (std::atoll(wpid) != static_cast<long long>(getpid())) return std::nullopt;
  }
  return std::atoll(usec);
}

std::string env_socket() {
  const char* s = std::getenv("NOTIFY_SOCKET");
  return s ? std::string(s) : std::string();
}

}  // namespace

SdNotifier::SdNotifier() : SdNotifier(env_socket(), env_watchdog_usec()) {}

SdNotifier::SdNotifier(std::string socket_path, std::optional<std::int64_t> watchdog_usec)
    : socket_path_(std::move(socket_path)) {
  if (watchdog_usec && *watchdog_usec > 0) {
    watchdog_usec_ = *watchdog_usec;
    watchdog_ms_ = std::max<std::int64_t>(*watchdog_usec / 1000 / 2, 1);
  }
}

std::vector<std::string> SdNotifier::environment() const {
  std::vector<std::string> env;
  if (!socket_path_.empty()) env.push_back("NOTIFY_SOCKET=" + socket_path_);
  if (watchdog_usec_) env.push_back("WATCHDOG_USEC=" + std::to_string(*watchdog_usec_));
  return env;
}

bool SdNotifier::notify(std::string_view state) const {
  if (socket_path_.empty()) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof(addr.sun_path)) return false;
  std::memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ssize_t n = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                       reinterpret_cast<const sockaddr*>(&addr), len);
  ::close(fd);
  return n == static_cast<ssize_t>(state.size());
}

bool SdNotifier::notify_reloading() const {
  return notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()));
}

void SdNotifier::unset_environment() {
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
}

std::int64_t monotonic_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

}  // namespace opsd
