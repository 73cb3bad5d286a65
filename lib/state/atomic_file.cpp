#include "state/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

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

}  // namespace opsd
