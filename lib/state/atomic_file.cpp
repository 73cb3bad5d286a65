#include "state/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

namespace opsd {

namespace {

Error context(const std::string& path, const Status& s) {
  return Error{"cannot write " + path + ": " + s.message()};
}

}  // namespace

std::string atomic_temp_path(const std::string& path) {
  return path + ".tmp-" + std::to_string(::getpid());
}

Status write_file_atomic(FileSystem& fs, const std::string& path, std::string_view data, int mode) {
  const std::string tmp = atomic_temp_path(path);
  // A temp file left by a crashed process with our pid may carry other permissions.
  if (Status s = fs.remove(tmp); !s) return context(path, s);
  Result<int> fd = fs.open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, mode);
  if (!fd) return context(path, Status(fd.error()));

  Status s = fs.write_all(*fd, data);
  if (s) s = fs.fsync(*fd);
  Status closed = fs.close(*fd);
  if (s && !closed) s = closed;
  if (s) s = fs.rename(tmp, path);
  if (!s) {
    (void)fs.remove(tmp);
    return context(path, s);
  }
  if (Status d = fs.fsync_dir(parent_dir(path)); !d) return context(path, d);
  return Status::Ok();
}

int remove_stale_atomic_temps(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const std::string prefix = target.filename().string() + ".tmp-";
  const std::string own = fs::path(atomic_temp_path(path)).filename().string();
  std::error_code ec;
  fs::directory_iterator it(target.has_parent_path() ? target.parent_path() : fs::path("."), ec);
  int removed = 0;
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.rfind(prefix, 0) != 0 || name == own) continue;
    const std::string pid = name.substr(prefix.size());
    if (!std::all_of(pid.begin(), pid.end(), [](unsigned char c) { return std::isdigit(c); }))
      continue;
    std::error_code rm;
    if (fs::remove(it->path(), rm)) ++removed;
  }
  return removed;
}

}  // namespace opsd
