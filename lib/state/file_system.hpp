// FileSystem: the seam for every file side effect of the state store and the audit log
// (LevelDB's Env idea). The real one calls POSIX; tests wrap it in a fault-injecting one
// (tests/unit/fixtures/fault_injecting_file_system.hpp) to exercise every failure point.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace opsd {

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // open(2) with `flags`/`mode`; O_CLOEXEC is always added. Returns the fd.
  virtual Result<int> open(const std::string& path, int flags, int mode) = 0;
  // Writes every byte (retries short writes and EINTR).
  virtual Status write_all(int fd, std::string_view data) = 0;
  virtual Status fsync(int fd) = 0;
  virtual Status close(int fd) = 0;
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  // fsync of a directory, making a rename or create inside it durable.
  virtual Status fsync_dir(const std::string& dir) = 0;
  // The whole file; an Error if it is larger than `max_bytes`.
  virtual Result<std::string> read_file(const std::string& path, std::size_t max_bytes) = 0;
  // The last `max_bytes` bytes of a file (all of it when smaller).
  virtual Result<std::string> read_file_tail(const std::string& path, std::size_t max_bytes) = 0;
  virtual bool exists(const std::string& path) = 0;
  // mkdir -p. Directories it creates get exactly `mode`; existing ones are left alone.
  virtual Status make_dirs(const std::string& dir, int mode) = 0;
  // unlink(2). A missing file is not an error.
  virtual Status remove(const std::string& path) = 0;
};

// The process-wide POSIX file system.
FileSystem& real_file_system();

// The directory part of `path` ("." when it has none, "/" for files in the root).
std::string parent_dir(const std::string& path);

}  // namespace opsd
