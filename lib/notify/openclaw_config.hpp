// Where Telegram messages go and with which bot token, from openclaw.json (docs/config.md,
// docs/notifications.md).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "util/result.hpp"

namespace opsd {

// Reads an environment variable; nullopt when unset. Injected so tests control the env.
using GetenvFn = std::function<std::optional<std::string>(const std::string&)>;

// The process environment (std::getenv).
std::optional<std::string> system_getenv(const std::string& name);

// Path of openclaw.json: $OPENCLAW_CONFIG_PATH if set and non-empty, else
// `<state_dir>/openclaw.json`.
std::string openclaw_config_path(const std::string& state_dir, const GetenvFn& getenv_fn);

// Reads and parses openclaw.json as JSON5. Missing file -> Error "not found: <path>";
// other failures name the path (and line:column for syntax errors). Files over 16 MiB are
// refused.
Result<boost::json::value> load_openclaw_json(const std::string& path);

// "tg:123" / "telegram:123" -> "123" (case-sensitive prefixes, surrounding spaces trimmed).
std::string strip_target_prefix(std::string_view t);

struct TelegramSettings {
  std::string target;         // chat id, prefix removed; "" when none was found
  std::string target_source;  // "notify.target" | "agents.list[main].heartbeat.to" |
                              // "channels.telegram.allowFrom[0]" | ""
  std::string token;          // bot token; secret: never log it (see redact.hpp)
  std::string token_source;   // "channels.telegram.botToken" | "tokenFile <path>" |
                              // "accounts.<name>.botToken" | "TELEGRAM_BOT_TOKEN" | ""
  std::string api_root = "https://api.telegram.org";  // channels.telegram.apiRoot, no trailing '/'
  std::vector<std::string> problems;  // human-readable findings; never contain the token
};

// Resolves target and token (docs/notifications.md).
// Target: `configured_target` (from --target or notify.target) if non-empty; else the
// agents.list[] entry with id "main" whose heartbeat.target is "telegram" (its heartbeat.to,
// string or integer); else channels.telegram.allowFrom[0] (string or integer). A tg: or
// telegram: prefix is removed from all of them.
// Token: channels.telegram.botToken; else channels.telegram.tokenFile (regular files only,
// whitespace trimmed, leading "~/" expanded with HOME); else
// channels.telegram.accounts.<defaultAccount or "default">.botToken, or its tokenFile; else
// the environment variable TELEGRAM_BOT_TOKEN.
TelegramSettings resolve_telegram(const std::optional<boost::json::value>& openclaw_json,
                                  const std::string& configured_target, const GetenvFn& getenv_fn);

}  // namespace opsd
