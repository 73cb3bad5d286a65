// A job's output log: STATE/net/logs/<job-id>.log, size-capped with rotation (docs/config.md).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"
#include "util/secret_redactor.hpp"

namespace opsd {

// Appends to `path`; when the next bytes would take it past `max_bytes`, renames
// path -> path.1 -> path.2 ... and starts a new file. At most `keep` files exist (the live one
// included), so a job's logs never take more than keep * max_bytes. Files are created 0600 and
// missing parent directories 0700. Plain blocking POSIX I/O; a failed write drops the data and
// is remembered in last_error(), never thrown. Several writers may share a path (the job's
// child and its stop command): each checks the file's real size and identity before writing.
class LogWriter {
 public:
  explicit LogWriter(std::string path, std::size_t max_bytes = std::size_t{10} << 20, int keep = 3);
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Every later write() has `secrets` replaced by "<redacted>", also across writes (bytes
  // that may begin a secret wait for the next write or the destructor).
  void redact(std::vector<std::string> secrets);
  void write(std::string_view data);
  const std::string& path() const { return path_; }
  const std::string& last_error() const { return last_error_; }

 private:
  bool ensure_open();
  void rotate();
  void close_fd();
  void write_bytes(std::string_view data);

  std::string path_;
  std::size_t max_bytes_;
  int keep_;
  int fd_ = -1;
  std::string last_error_;
  std::optional<SecretRedactor> redactor_;
};

// The last `n` lines of the log at `path` (without their '\n'), continuing into `path`.1 when
// the live file has fewer. Reads backwards from the end, at most 8 MiB per file. Error when
// neither file exists.
Result<std::vector<std::string>> tail_lines(const std::string& path, std::size_t n);

}  // namespace opsd
