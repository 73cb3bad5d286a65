// Crash-safe replacement of a whole file (docs/persistence.md).
#pragma once

#include <string>
#include <string_view>

#include "state/file_system.hpp"
#include "util/result.hpp"

namespace opsd {

// Replaces the file at `path` with `data`: writes a temp file in the same directory
// (`path` + ".tmp-<pid>", created with `mode`), fsyncs and closes it, renames it over `path`
// and fsyncs the directory. On any failure before the rename, `path` is untouched and the
// temp file is removed. If only the final directory fsync fails, the new content is in place
// but may not survive a power loss; that error is still returned.
Status write_file_atomic(FileSystem& fs, const std::string& path, std::string_view data,
                         int mode = 0600);

// The temp file name write_file_atomic uses for `path` in this process.
std::string atomic_temp_path(const std::string& path);

// Removes the temp files of `path` that other processes (a killed earlier opsd) left behind:
// `path` + ".tmp-<digits>" except this process's own. Call it only while holding the right
// to write `path` (after the control socket is bound). Returns how many were removed;
// errors are ignored (a leftover costs disk space, never correctness).
int remove_stale_atomic_temps(const std::string& path);

}  // namespace opsd
