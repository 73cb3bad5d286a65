// Small UTF-8 helpers: the JSON5 reader, the message splitter and the cutting of command output.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace opsd {

// Decodes the code point starting at byte `pos` of `s` and sets `len` to its byte length.
// Returns nullopt (len = 1) for an invalid, overlong, surrogate or truncated sequence.
std::optional<char32_t> utf8_decode(std::string_view s, std::size_t pos, std::size_t& len);

// Appends `cp` (at most U+10FFFF) encoded as UTF-8.
void utf8_append(std::string& out, char32_t cp);

// True for a UTF-8 continuation byte (10xxxxxx): never the start of a code point.
inline bool utf8_is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Number of code points in `s` (bytes that are not continuation bytes).
std::size_t utf8_length(std::string_view s);

// UTF-16 code units of the code point whose UTF-8 sequence starts with `lead`: 2 for a
// 4-byte sequence (outside the BMP, e.g. most emoji), else 1.
inline std::size_t utf16_units_of_lead(char lead) {
  return static_cast<unsigned char>(lead) >= 0xF0 ? 2 : 1;
}

// Length of `s` in UTF-16 code units, the unit Telegram counts message length in.
std::size_t utf16_length(std::string_view s);

// The last `max_bytes` of `s` (all of it when shorter), without the continuation bytes of a
// sequence that the cut went through.
std::string_view utf8_last_bytes(std::string_view s, std::size_t max_bytes);

// `s` with every invalid byte sequence replaced by U+FFFD: what a command printed, made fit
// for JSON files and Telegram (which refuses a message that is not UTF-8).
std::string utf8_valid(std::string_view s);

}  // namespace opsd
