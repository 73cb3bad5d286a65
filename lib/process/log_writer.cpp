#include "process/log_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace opsd {
namespace {

constexpr std::size_t kTailBlock = 64 * 1024;
constexpr std::size_t kTailMaxBytes = std::size_t{8} << 20;

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Creates the missing directories above `path`, each 0700.
void make_parent_dirs(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::filesystem::path partial;
  for (const auto& part : parent) {
    partial /= part;
    ::mkdir(partial.c_str(), 0700);  // EEXIST and the like show up when the file is opened
  }
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string numbered(const std::string& path, int i) {
  return i == 0 ? path : path + "." + std::to_string(i);
}

// The last `n` lines of one file (oldest first); false when it cannot be opened.
bool file_tail(const std::string& path, std::size_t n, std::vector<std::string>& lines) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return false;
  }
  auto pos = static_cast<std::size_t>(st.st_size);
  std::vector<std::string> blocks;  // newest first
  std::size_t read_total = 0;
  std::size_t newlines = 0;
  bool trailing_newline_seen = false;
  while (pos > 0 && read_total < kTailMaxBytes && newlines < n) {
    std::size_t len = std::min(kTailBlock, pos);
    pos -= len;
    std::string block(len, '\0');
    ssize_t got = ::pread(fd, block.data(), len, static_cast<off_t>(pos));
    if (got != static_cast<ssize_t>(len)) break;
    read_total += len;
    newlines += static_cast<std::size_t>(std::count(block.begin(), block.end(), '\n'));
    if (!trailing_newline_seen) {
      trailing_newline_seen = true;
      if (block.back() == '\n') --newlines;  // ends the last line, does not start a new one
    }
    blocks.push_back(std::move(block));
  }
  ::close(fd);
  std::string text;
  text.reserve(read_total);
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) text += *it;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  std::vector<std::string> found;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    found.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  if (pos > 0 && !found.empty()) found.erase(found.begin());  // cut mid-line
  std::size_t skip = found.size() > n ? found.size() - n : 0;
  lines.assign(found.begin() + static_cast<std::ptrdiff_t>(skip), found.end());
  return true;
}

}  // namespace

LogWriter::LogWriter(std::string path, std::size_t max_bytes, int keep)
    : path_(std::move(path)),
      max_bytes_(std::max<std::size_t>(max_bytes, 1)),
      keep_(std::max(keep, 1)) {}

LogWriter::~LogWriter() {
  if (redactor_) write_bytes(redactor_->flush());
  close_fd();
}

void LogWriter::redact(std::vector<std::string> secrets) {
  redactor_.emplace(std::move(secrets));
  if (redactor_->empty()) redactor_.reset();
}

void LogWriter::write(std::string_view data) {
  if (!redactor_) {
    write_bytes(data);
    return;
  }
  std::string safe = redactor_->feed(data);
  if (!safe.empty()) write_bytes(safe);
}

void LogWriter::close_fd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

// Opens (or reopens, when another writer rotated the file away) the live file.
bool LogWriter::ensure_open() {
  if (fd_ >= 0) {
    struct stat by_path {};
    struct stat by_fd {};
    if (::stat(path_.c_str(), &by_path) == 0 && ::fstat(fd_, &by_fd) == 0 &&
        by_path.st_ino == by_fd.st_ino && by_path.st_dev == by_fd.st_dev) {
      return true;
    }
    close_fd();
  }
  int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
  fd_ = ::open(path_.c_str(), flags, 0600);
  if (fd_ < 0 && errno == ENOENT) {
    make_parent_dirs(path_);
    fd_ = ::open(path_.c_str(), flags, 0600);
  }
  if (fd_ < 0) {
    last_error_ = errno_text("cannot open", path_);
    return false;
  }
  return true;
}

void LogWriter::rotate() {
  close_fd();
  if (keep_ == 1) {
    ::unlink(path_.c_str());
    return;
  }
  for (int i = keep_ - 1; i >= 1; --i) {
    if (::rename(numbered(path_, i - 1).c_str(), numbered(path_, i).c_str()) != 0 &&
        errno != ENOENT) {
      last_error_ = errno_text("cannot rotate", numbered(path_, i - 1));
    }
  }
}

void LogWriter::write_bytes(std::string_view data) {
  // Only the newest keep * max_bytes can survive; skip the rest up front.
  std::size_t budget = max_bytes_ * static_cast<std::size_t>(keep_);
  if (budget / static_cast<std::size_t>(keep_) == max_bytes_ && data.size() > budget) {
    data.remove_prefix(data.size() - budget);
  }
  int rotations = 0;
  while (!data.empty()) {
    if (!ensure_open()) return;
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
      last_error_ = errno_text("cannot stat", path_);
      return;
    }
    auto size = static_cast<std::size_t>(st.st_size);
    if (size > 0 && size + data.size() > max_bytes_) {
      if (++rotations > keep_ + 1) return;  // the file cannot be rotated away; give up
      rotate();
      continue;
    }
    std::size_t chunk = std::min(data.size(), max_bytes_);
    if (!write_all(fd_, data.substr(0, chunk))) {
      last_error_ = errno_text("cannot write", path_);
      return;
    }
    data.remove_prefix(chunk);
  }
}

Result<std::vector<std::string>> tail_lines(const std::string& path, std::size_t n) {
  std::vector<std::string> lines;
  bool live = file_tail(path, n, lines);
  std::vector<std::string> older;
  bool has_older = lines.size() < n && file_tail(path + ".1", n - lines.size(), older);
  if (!live && !has_older) return Error{"no log at " + path};
  older.insert(older.end(), lines.begin(), lines.end());
  return older;
}

}  // namespace opsd
