// The copy of the last ops-jobs.json that loaded (docs/persistence.md): what opsd runs when it
// starts on a config that fails validation. Kept beside the state file, with its rules: written
// atomically (temp file, fsync, rename), mode 0600, in the 0700 state directory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "state/file_system.hpp"
#include "util/result.hpp"

namespace opsd {

// Largest copy read back (the config loader's own limit).
constexpr std::size_t kMaxLastGoodConfigBytes = 8u << 20;

// The file name inside the state file's directory (STATE/net/state/last-good-config.json).
constexpr std::string_view kLastGoodConfigName = "last-good-config.json";

class LastGoodConfig {
 public:
  // `path` is the copy's file; `fs` must outlive this object.
  LastGoodConfig(FileSystem& fs, std::string path) : fs_(fs), path_(std::move(path)) {}

  // Replaces the copy with `text`, the bytes of a config that loaded. A text equal to the one
  // this object last saved or loaded is not written again. On error the old copy is intact.
  Status save(std::string_view text);
  // The copy's bytes; nullopt when there is none yet. An Error when it exists but cannot be
  // read (or is larger than kMaxLastGoodConfigBytes).
  Result<std::optional<std::string>> load();
  const std::string& path() const { return path_; }

 private:
  FileSystem& fs_;
  std::string path_;
  // Size and hash of what the file holds, as far as this object knows (the text is not kept).
  std::optional<std::pair<std::size_t, std::size_t>> known_;
};

}  // namespace opsd
