// metrics.textfile: the exposition text rewritten atomically (temp file, fsync, rename) for
// node_exporter's textfile collector, at most kTextfileDelay after a change (changes within
// that window share one write), and at least every kTextfileRefresh, so that the file's mtime
// (node_textfile_mtime_seconds) tells a live opsd from a dead one.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "state/file_system.hpp"

namespace opsd {

inline constexpr std::chrono::milliseconds kTextfileDelay{1000};
inline constexpr std::chrono::milliseconds kTextfileRefresh{60000};

class TextfileWriter {
 public:
  // `path()` is read at each write ("" = none: nothing is written); `render()` gives the text.
  // `fs` must outlive the writer. The file is made 0644 (node_exporter usually runs as
  // another user).
  TextfileWriter(boost::asio::any_io_executor ex, FileSystem& fs, std::function<std::string()> path,
                 std::function<std::string()> render,
                 std::chrono::milliseconds delay = kTextfileDelay,
                 std::chrono::milliseconds refresh = kTextfileRefresh);
  ~TextfileWriter();
  TextfileWriter(const TextfileWriter&) = delete;
  TextfileWriter& operator=(const TextfileWriter&) = delete;

  // Something shown in the metrics changed: a write is due within the delay.
  void changed();
  // Writes now (and re-arms the refresh); errors are logged once per distinct message and
  // returned.
  Status write_now();

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace opsd
