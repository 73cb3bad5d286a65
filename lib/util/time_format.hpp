// Time formats shown to people and stored in files (docs/control-protocol.md: ISO 8601 UTC in
// --json output).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/clock.hpp"
#include "util/result.hpp"

namespace opsd {

// "2026-11-24T04:28:54Z": UTC, milliseconds dropped (rounded toward the past). 0 -> "".
std::string iso8601_utc(TimeMs t);

// The same text (also for t == 0: the epoch) written into `buf` of at least
// kIso8601BufferSize bytes, NUL-terminated, without allocating. Returns its length.
constexpr std::size_t kIso8601BufferSize = 32;
std::size_t format_iso8601_utc(TimeMs t, char* buf);

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)" ('T' may be a space; 'Z' may be
// lower case). Fraction digits beyond milliseconds are truncated. A time without a zone is
// an Error (it would be ambiguous), as is any out-of-range field; errors name the input.
Result<TimeMs> parse_iso8601(std::string_view s);

// "HH:MM:SS" in the process's local time zone (message headers).
std::string local_hms(TimeMs t);

// "YYYYmmddTHHMMSSZ" (UTC), for file name suffixes such as ".corrupt-<time>".
std::string compact_utc_stamp(TimeMs t);

// A duration in seconds: "90" (seconds), "30s", "10m", "1h", "2d", or a sequence of such
// parts ("1h30m"). Surrounding spaces are ignored. Negative, empty, unknown units or overflow
// are Errors that quote the input.
Result<std::int64_t> parse_duration_seconds(std::string_view s);

// A compact age: "45s", "12m", "3h05m", "2d4h". Negative ages show as "0s".
std::string format_age(TimeMs ms);

}  // namespace opsd
