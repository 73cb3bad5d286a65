// The fingerprint an approval is bound to (docs/write-jobs.md).
#pragma once

#include <string>

#include "config/config.hpp"

namespace opsd {

// Lowercase hex SHA-256 of the canonical JSON of {commands, cwd, kind, risk}: compact,
// keys sorted bytewise at every level, commands holding only the argv arrays that are given.
// Any change to those four fields changes it; name, enabled, policy, approval, after do not.
std::string job_fingerprint(const Job& job);

// The canonical JSON text that job_fingerprint hashes.
std::string job_fingerprint_text(const Job& job);

}  // namespace opsd
