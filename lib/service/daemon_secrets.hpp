// The secrets opsd itself holds, kept from its children and out of what they print
// (process/child_env.hpp, util/secret_redactor.hpp).
#pragma once

#include <string>
#include <vector>

#include "notify/openclaw_config.hpp"

namespace opsd {

// Secrets shorter than this are ignored (redacting them would mangle ordinary text).
constexpr std::size_t kMinSecretBytes = 8;

// The bot token as resolve_telegram() finds it in `openclaw_config` (a file that cannot be
// read contributes nothing) and the value of TELEGRAM_BOT_TOKEN; distinct, non-empty values.
std::vector<std::string> daemon_secrets(const std::string& openclaw_config,
                                        const GetenvFn& getenv_fn);

}  // namespace opsd
