// Keeps the Telegram bot token out of logs, errors and status output (docs/notifications.md).
#pragma once

#include <string>
#include <string_view>

namespace opsd {

// Returns `text` with every occurrence of `token` replaced: the URL form "bot<token>" becomes
// "bot<redacted>", a bare token "<redacted>"; the percent-encoded form (':' as %3A) is
// covered too. An empty token leaves the text unchanged.
std::string redact_token(std::string_view text, std::string_view token);

}  // namespace opsd
