// Directories opsd trusts with its state, logs and control socket (like ssh's StrictModes):
// each must be owned by opsd's uid (or root) and writable by nobody else, also when reached
// through a symlink. Plain POSIX (stat/chmod); no FileSystem seam: tests use real temp dirs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace opsd {

// What secure_dir found and did.
struct DirCheck {
  std::vector<std::string> repaired;  // e.g. "STATE/net/run was mode 0777; now 0700"
};

// Checks `dir` (followed if it is a symlink) for a daemon running as `euid`:
// - owned by neither `euid` nor root: an Error naming the directory, its owner and the rule;
// - writable by group or others and owned by `euid`: chmod'ed to drop those bits (recorded in
//   `repaired`); owned by root while euid is not root: an Error (it cannot be repaired), unless
//   it is sticky (/tmp);
// A missing directory is an Error (create it first).
Status secure_dir(const std::string& dir, std::int64_t euid, DirCheck& check);

// The same for a file opsd owns (the state file, the audit log): group/other write bits are
// dropped; another owner is an Error. A missing file is fine.
Status secure_file(const std::string& path, std::int64_t euid, DirCheck& check);

}  // namespace opsd
