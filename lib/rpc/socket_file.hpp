// The control socket's file on disk: its private directory, stale files left by a crashed
// daemon, and removal on shutdown. Plain POSIX, no Asio.
#pragma once

#include <cstdint>
#include <string>

#include "util/result.hpp"

namespace opsd {

// Identifies one file (a later file at the same path has another id).
struct SocketFileId {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
};

// Makes `path` ready for bind(): checks it fits in sockaddr_un, creates missing parent
// directories with mode 0700, and removes a stale socket file (connect() is refused). Fails
// with "another opsd is running on <path>" when something accepts connections there, and
// when the path holds something that is not a socket.
Status prepare_socket_path(const std::string& path);

Result<SocketFileId> socket_file_id(const std::string& path);

// Ok when `fd` is a listening socket (a handed-over control socket), else an Error naming fd.
Status check_listening_socket(int fd);

// Unlinks `path` only if it is still the file `id` names.
void remove_socket_file_if_ours(const std::string& path, const SocketFileId& id);

}  // namespace opsd
