#include "rpc/socket_file.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace opsd {
namespace {

std::string errno_text() { return std::strerror(errno); }

std::string parent_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return {};
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Creates `dir` and its missing ancestors with mode 0700. An existing directory is left as is.
Status ensure_private_dir(const std::string& dir) {
  std::vector<std::string> missing;
  for (std::string d = dir; !d.empty() && d != "/" && d != "."; d = parent_of(d)) {
    struct stat st {};
    if (::stat(d.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return Error{d + " exists and is not a directory"};
      break;
    }
    if (errno != ENOENT) return Error{"cannot inspect " + d + ": " + errno_text()};
    missing.push_back(d);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
      return Error{"cannot create directory " + *it + ": " + errno_text()};
    }
    if (::chmod(it->c_str(), 0700) != 0) {
      return Error{"cannot set mode 0700 on " + *it + ": " + errno_text()};
    }
  }
  return Status::Ok();
}

// Whether a daemon accepts connections on the socket file at `path`.
Result<bool> socket_is_live(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return Error{"cannot create a socket: " + errno_text()};
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  ::fcntl(fd, F_SETFL, O_NONBLOCK);  // a full backlog must not block us: EAGAIN means live
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  const int err = errno;
  ::close(fd);
  if (rc == 0 || err == EAGAIN || err == EINPROGRESS) return true;
  if (err == ECONNREFUSED) return false;
  return Error{"cannot probe existing socket " + path + ": " + std::strerror(err)};
}

}  // namespace

Status prepare_socket_path(const std::string& path) {
  if (path.empty()) return Error{"control socket path is empty"};
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return Error{"control socket path is too long (" + std::to_string(path.size()) +
                 " bytes, at most " + std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                 "): " + path};
  }
  if (const std::string dir = parent_of(path); !dir.empty()) {
    if (Status s = ensure_private_dir(dir); !s) return s;
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Error{"cannot inspect " + path + ": " + errno_text()};
  }
  if (!S_ISSOCK(st.st_mode)) return Error{path + " exists and is not a socket; not replacing it"};
  Result<bool> live = socket_is_live(path);
  if (!live) return live.error();
  if (*live) return Error{"another opsd is running on " + path};
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Error{"cannot remove stale socket " + path + ": " + errno_text()};
  }
  spdlog::info("removed stale control socket {}", path);
  return Status::Ok();
}

Result<SocketFileId> socket_file_id(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Error{"cannot inspect " + path + ": " + errno_text()};
  return SocketFileId{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

void remove_socket_file_if_ours(const std::string& path, const SocketFileId& id) {
  Result<SocketFileId> now = socket_file_id(path);
  if (now && now->dev == id.dev && now->ino == id.ino) ::unlink(path.c_str());
}

Status check_listening_socket(int fd) {
  int listening = 0;
  socklen_t len = sizeof listening;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening)
    return Error{"handed-over fd " + std::to_string(fd) + " is not a listening socket"};
  return Status::Ok();
}

}  // namespace opsd
