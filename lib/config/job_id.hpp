// Job ids (jobs[].id) and the file names built from them. Rule: 1 to kMaxJobIdBytes bytes,
// no control characters (the original accepted any string). Ids made only of the safe set
// [A-Za-z0-9._-] that do not start with '.' are used in file names as they are; any other id
// is accepted with a warning and mapped by job_file_stem(), so that no id can name a path
// outside its directory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace opsd {

// Longest job id in bytes: its file stem (at most three times as long) plus ".log.N" stays
// within NAME_MAX (255).
constexpr std::size_t kMaxJobIdBytes = 64;

// The rule `id` breaks (an error), or nullopt when it is a valid id.
std::optional<std::string> job_id_error(std::string_view id);

// True when `id` is valid and job_file_stem(id) == id.
bool job_id_is_plain(std::string_view id);

// The file-name stem for a valid `id`: bytes of the safe set are kept, a leading '.' and every
// other byte become "%XX" (upper-case hex). Injective; never empty, never contains '/', never
// starts with '.'.
std::string job_file_stem(std::string_view id);

}  // namespace opsd
