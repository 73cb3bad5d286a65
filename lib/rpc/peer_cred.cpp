#include "rpc/peer_cred.hpp"

#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#if defined(__APPLE__)
#include <sys/un.h>
#endif

namespace opsd {

Result<PeerCred> peer_cred(int fd) {
  PeerCred out;
#if defined(__linux__)
  struct ucred cred {};
  socklen_t len = sizeof(cred);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return Error{std::string("SO_PEERCRED failed: ") + std::strerror(errno)};
  }
  out.pid = cred.pid;
  out.uid = cred.uid;
  out.gid = cred.gid;
#elif defined(__APPLE__)
  uid_t uid = 0;
  gid_t gid = 0;
  if (::getpeereid(fd, &uid, &gid) != 0) {
    return Error{std::string("getpeereid failed: ") + std::strerror(errno)};
  }
  out.uid = uid;
  out.gid = gid;
#if defined(LOCAL_PEERPID)
  pid_t pid = -1;
  socklen_t len = sizeof(pid);
  if (::getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &pid, &len) == 0) out.pid = pid;
#endif
#else
#error "peer_cred: no peer credential API for this platform"
#endif
  return out;
}

bool peer_allowed(const PeerCred& p, std::int64_t own_uid) {
  if (p.uid < 0) return false;
  return p.uid == 0 || p.uid == own_uid;
}

}  // namespace opsd
