// Splits long message texts to fit Telegram's per-message limit (docs/notifications.md).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace opsd {

// Telegram's limit on one message text, in UTF-16 code units (how Telegram counts length).
inline constexpr std::size_t kTelegramMaxChars = 4096;

// Splits `text` (UTF-8) into pieces of at most `max_chars` UTF-16 code units: a code point
// outside the BMP (most emoji) counts 2, any other code point 1 (a stray invalid byte 1, or 2
// when it looks like the lead of a 4-byte sequence). Pieces
// end at line boundaries (each keeps its '\n'); a single line longer than `max_chars` is cut
// at code point boundaries (a code point wider than `max_chars` forms a piece alone).
// Concatenating the pieces gives `text` back exactly. Empty text gives no pieces.
// `max_chars` 0 is treated as 1.
std::vector<std::string> split_message(std::string_view text,
                                       std::size_t max_chars = kTelegramMaxChars);

}  // namespace opsd
