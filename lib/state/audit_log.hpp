// The audit log (docs/write-jobs.md): approvals, refusals, write runs and verifications, one JSON
// object per line, appended and fsync'd one line at a time. File mode 0600, directory 0700.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "state/file_system.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace opsd {

class AuditLog {
 public:
  // `fs` and `clock` must outlive the log; a null `clock` means the system clock.
  AuditLog(FileSystem& fs, std::string path, const Clock* clock = nullptr);

  // Appends `entry` as one line, with "at" (ISO 8601 UTC, now) first unless the entry has
  // one; the line is durable when this returns Ok. Creates the file (0600) and its directory
  // (0700) when missing.
  Status append(const boost::json::object& entry);

  // The last `n` complete lines, oldest first; reads at most the last kTailWindowBytes.
  // A missing file is an empty log.
  Result<std::vector<std::string>> tail(std::size_t n) const;

  const std::string& path() const { return path_; }

  static constexpr std::size_t kTailWindowBytes = 1024 * 1024;

 private:
  FileSystem& fs_;
  std::string path_;
  const Clock* clock_;
};

}  // namespace opsd
