#include "state/file_system.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace opsd {

namespace {

Error errno_error(std::string_view what, const std::string& path, int err) {
  std::string msg(what);
  if (!path.empty()) msg += " " + path;
  msg += ": " + std::generic_category().message(err);
  return Error{std::move(msg)};
}

std::string fd_name(int fd) { return "fd " + std::to_string(fd); }

class PosixFileSystem final : public FileSystem {
 public:
  Result<int> open(const std::string& path, int flags, int mode) override {
    int fd;
    do {
      fd = ::open(path.c_str(), flags | O_CLOEXEC, static_cast<mode_t>(mode));
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return errno_error("open", path, errno);
    return fd;
  }

  Status write_all(int fd, std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_error("write", fd_name(fd), errno);
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return Status::Ok();
  }

  Status fsync(int fd) override {
    if (::fsync(fd) != 0) return errno_error("fsync", fd_name(fd), errno);
    return Status::Ok();
  }

  Status close(int fd) override {
    // Never retry close on EINTR: the fd is released either way on Linux.
    if (::close(fd) != 0 && errno != EINTR) return errno_error("close", fd_name(fd), errno);
    return Status::Ok();
  }

  Status rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0)
      return errno_error("rename", from + " -> " + to, errno);
    return Status::Ok();
  }

  Status fsync_dir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno_error("open directory", dir, errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    // Some file systems cannot fsync a directory; that is not a durability failure we can fix.
    if (rc != 0 && err != EINVAL && err != ENOTSUP) return errno_error("fsync directory", dir, err);
    return Status::Ok();
  }

  Result<std::string> read_file(const std::string& path, std::size_t max_bytes) override {
    return read_impl(path, max_bytes, /*tail=*/false);
  }

  Result<std::string> read_file_tail(const std::string& path, std::size_t max_bytes) override {
    return read_impl(path, max_bytes, /*tail=*/true);
  }

  bool exists(const std::string& path) override {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
  }

  Status make_dirs(const std::string& dir, int mode) override {
    if (dir.empty()) return Status::Ok();
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return Status::Ok();
      return Error{"make directory " + dir + ": exists and is not a directory"};
    }
    std::string parent = parent_dir(dir);
    if (parent != dir) {
      Status s = make_dirs(parent, mode);
      if (!s) return s;
    }
    if (::mkdir(dir.c_str(), static_cast<mode_t>(mode)) != 0) {
      if (errno == EEXIST) return Status::Ok();
      return errno_error("make directory", dir, errno);
    }
    // mkdir's mode is reduced by the umask; the contract is the exact mode.
    if (::chmod(dir.c_str(), static_cast<mode_t>(mode)) != 0)
      return errno_error("chmod", dir, errno);
    return Status::Ok();
  }

  Status remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errno_error("remove", path, errno);
    return Status::Ok();
  }

 private:
  Result<std::string> read_impl(const std::string& path, std::size_t max_bytes, bool tail) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_error("open", path, errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return errno_error("stat", path, err);
    }
    auto size = static_cast<std::size_t>(st.st_size);
    if (!tail && size > max_bytes) {
      ::close(fd);
      return Error{"read " + path + ": file is " + std::to_string(size) + " bytes, more than the " +
                   std::to_string(max_bytes) + " allowed"};
    }
    if (tail && size > max_bytes &&
        ::lseek(fd, static_cast<off_t>(size - max_bytes), SEEK_SET) < 0) {
      int err = errno;
      ::close(fd);
      return errno_error("seek", path, err);
    }
    std::string out;
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd);
        return errno_error("read", path, err);
      }
      if (n == 0) break;
      out.append(buf, static_cast<std::size_t>(n));
      // The file may grow while we read it; the cap holds regardless.
      if (out.size() > max_bytes) {
        if (!tail) {
          ::close(fd);
          return Error{"read " + path + ": file is larger than the " + std::to_string(max_bytes) +
                       " bytes allowed"};
        }
        out.erase(0, out.size() - max_bytes);
      }
    }
    ::close(fd);
    return out;
  }
};

}  // namespace

FileSystem& real_file_system() {
  static PosixFileSystem fs;
  return fs;
}

std::string parent_dir(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  p.resize(slash);
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

}  // namespace opsd
