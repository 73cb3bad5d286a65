// Splits long message texts to fit Telegram's per-message limit (SPEC §7).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace opsd {

// Telegram's limit on one message text, in characters.
inline constexpr std::size_t kTelegramMaxChars = 4096;

// Splits `text` into pieces of at most `max_chars` Unicode code points (UTF-8; a stray
// invalid byte counts as one). Pieces end at line boundaries (each keeps its '\n'); a single
// line longer than `max_chars` is cut at code point boundaries. Concatenating the pieces
// gives `text` back exactly. Empty text gives no pieces. `max_chars` 0 is treated as 1.
std::vector<std::string> split_message(std::string_view text,
                                       std::size_t max_chars = kTelegramMaxChars);

}  // namespace opsd
