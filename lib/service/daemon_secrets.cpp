#include "service/daemon_secrets.hpp"

#include <algorithm>

namespace opsd {

std::vector<std::string> daemon_secrets(const std::string& openclaw_config,
                                        const GetenvFn& getenv_fn) {
  std::vector<std::string> out;
  auto add = [&](std::string s) {
    if (s.size() >= kMinSecretBytes && std::find(out.begin(), out.end(), s) == out.end())
      out.push_back(std::move(s));
  };
  std::optional<boost::json::value> json;
  if (Result<boost::json::value> loaded = load_openclaw_json(openclaw_config)) json = *loaded;
  add(resolve_telegram(json, "", getenv_fn).token);
  add(getenv_fn("TELEGRAM_BOT_TOKEN").value_or(""));
  return out;
}

}  // namespace opsd
