// Who is on the other end of a connected Unix socket, and whether they may call opsd.
#pragma once

#include <cstdint>

#include "util/result.hpp"

namespace opsd {

// -1 marks a field the platform does not report (macOS getpeereid gives no pid).
struct PeerCred {
  std::int64_t pid = -1, uid = -1, gid = -1;
};

// SO_PEERCRED on Linux, getpeereid (+ LOCAL_PEERPID when available) on macOS. The
// credentials are those the peer had when it called connect().
Result<PeerCred> peer_cred(int fd);

// Only the daemon's own uid and root may call. An unknown uid (-1) is refused.
bool peer_allowed(const PeerCred& p, std::int64_t own_uid);

}  // namespace opsd
