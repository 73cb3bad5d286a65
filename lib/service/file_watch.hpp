// Telling when one file may have changed (docs/config.md, "Edits apply themselves"): the
// seam between the daemon and inotify. Editors replace a file by renaming a new one over it,
// so the file's directory is watched for its name, not the file itself.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace opsd {

class FileWatch {
 public:
  virtual ~FileWatch() = default;
  // Starts watching (call once). `touched` runs on the executor each time the file may have
  // changed: created, written and closed, renamed into place or away, deleted. It may run for
  // a change that changed nothing; it never runs after this object is destroyed.
  virtual void start(std::function<void()> touched) = 0;
  // How it watches, for the log: "inotify, stat every 5s" or "stat every 5s".
  virtual std::string describe() const = 0;
};

using FileWatchFactory =
    std::function<std::unique_ptr<FileWatch>(boost::asio::any_io_executor, const std::string&)>;

// The real watch of `path`: inotify on its directory (Linux) for IN_CLOSE_WRITE, IN_MOVED_TO,
// IN_MOVED_FROM, IN_CREATE, IN_DELETE and IN_MODIFY on its name, plus a stat() of the path
// (mtime, size, inode, device; a symlink is followed) every `poll`, which is all there is where
// inotify is not available (other systems, inotify limits reached, the directory replaced).
std::unique_ptr<FileWatch> make_file_watch(
    boost::asio::any_io_executor ex, const std::string& path,
    std::chrono::milliseconds poll = std::chrono::seconds(5));

}  // namespace opsd
