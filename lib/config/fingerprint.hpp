// The fingerprint an approval is bound to (docs/write-jobs.md).
#pragma once

#include <cstddef>
#include <string>

#include "config/config.hpp"

namespace opsd {

// Script files bigger than this are fingerprinted by their first kMaxScriptBytes and their size.
constexpr std::size_t kMaxScriptBytes = 16 * 1024 * 1024;

// Lowercase hex SHA-256 of the canonical JSON of {after, commands, cwd, kind, risk, scripts}:
// compact, keys sorted bytewise at every level; commands holding only the argv arrays that are
// given (start, status, stop, run, verify); after the entries in order as {delaySeconds, jobId,
// when}; scripts mapping every argv element (of any command) that names a regular file inside
// cwd (relative to it, or absolute under it; symlinks followed) to "sha256:<hex> size:<bytes>"
// of its content ("unreadable" when it cannot be read). Any change to those fields, or to such
// a file's content, changes it; name, enabled, policy, approval do not, nor do files outside
// cwd or found through PATH, nor the definitions of the jobs `after` names.
std::string job_fingerprint(const Job& job);

// The canonical JSON text that job_fingerprint hashes.
std::string job_fingerprint_text(const Job& job);

}  // namespace opsd
