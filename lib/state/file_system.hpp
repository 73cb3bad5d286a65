// FileSystem: the seam for every file side effect of the state store and the audit log
// (LevelDB's Env idea). The real one calls POSIX; FaultInjectingFileSystem wraps any
// FileSystem and makes chosen operations fail so tests can exercise every failure point.
#pragma once

#include <array>
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

// The operations FaultInjectingFileSystem can fail.
enum class FsOp { open, write, fsync, close, rename, fsync_dir, read, make_dirs, remove };
constexpr std::size_t kFsOpCount = 9;

// Wraps `base`; each operation is forwarded unless a fault is armed for it. A failed
// operation returns the errno's message (as the real one would) and has no effect, except a
// failed write, which first writes half of the data (a disk filling up mid-write).
class FaultInjectingFileSystem final : public FileSystem {
 public:
  explicit FaultInjectingFileSystem(FileSystem& base) : base_(base) {}

  // Arms a fault: `op` fails with `err` (ENOSPC, EIO, ...) on its `nth` call counted from
  // now (1 = the next call), or on every call when `nth` is 0.
  void fail(FsOp op, int err, int nth = 0);
  // Disarms every fault.
  void clear();
  // How many times `op` was called (failed calls included) since construction.
  int calls(FsOp op) const { return calls_[index(op)]; }

  Result<int> open(const std::string& path, int flags, int mode) override;
  Status write_all(int fd, std::string_view data) override;
  Status fsync(int fd) override;
  Status close(int fd) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status fsync_dir(const std::string& dir) override;
  Result<std::string> read_file(const std::string& path, std::size_t max_bytes) override;
  Result<std::string> read_file_tail(const std::string& path, std::size_t max_bytes) override;
  bool exists(const std::string& path) override { return base_.exists(path); }
  Status make_dirs(const std::string& dir, int mode) override;
  Status remove(const std::string& path) override;

 private:
  struct Fault {
    int err = 0;      // 0 = not armed
    int at_call = 0;  // absolute call number that fails; 0 = every call
  };
  static std::size_t index(FsOp op) { return static_cast<std::size_t>(op); }
  // Counts the call; returns the errno to fail with, or 0 to forward.
  int check(FsOp op);

  FileSystem& base_;
  std::array<Fault, kFsOpCount> faults_{};
  std::array<int, kFsOpCount> calls_{};
};

}  // namespace opsd
