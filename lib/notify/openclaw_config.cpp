#include "notify/openclaw_config.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <boost/json.hpp>

#include "notify/json5.hpp"

namespace opsd {
namespace {

namespace json = boost::json;

constexpr std::uintmax_t kMaxConfigBytes = 16u << 20;
constexpr std::uintmax_t kMaxTokenFileBytes = 64u << 10;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n\v\f");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n\v\f");
  return s.substr(first, last - first + 1);
}

const json::object* object_at(const json::value* v, std::string_view key) {
  if (v == nullptr || !v->is_object()) return nullptr;
  const json::value* child = v->as_object().if_contains(key);
  return child != nullptr && child->is_object() ? &child->as_object() : nullptr;
}

const json::value* member(const json::object* o, std::string_view key) {
  return o == nullptr ? nullptr : o->if_contains(key);
}

const json::object* object_at(const json::object* o, std::string_view key) {
  const json::value* child = member(o, key);
  return child != nullptr && child->is_object() ? &child->as_object() : nullptr;
}

// channels.telegram, or nullptr.
const json::object* telegram_channel(const json::value* root) {
  return object_at(object_at(root, "channels"), "telegram");
}

std::string non_empty_string(const json::value* v) {
  if (v == nullptr || !v->is_string()) return {};
  return std::string(trim(v->as_string()));
}

// A chat id given as a string or an integer (doubles only when integral).
std::string chat_id_text(const json::value* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return strip_target_prefix(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  if (v->is_double()) {
    const double d = v->as_double();
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.0e15) {
      return std::to_string(static_cast<long long>(d));
    }
  }
  return {};
}

// Reads a token file. Returns "" and records a problem when it is unusable.
std::string read_token_file(std::string path, const GetenvFn& getenv_fn,
                            std::vector<std::string>& problems) {
  if (path.rfind("~/", 0) == 0) {
    if (auto home = getenv_fn("HOME"); home && !home->empty()) path = *home + path.substr(1);
  }
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) {
    problems.push_back("tokenFile not found: " + path);
    return {};
  }
  if (!std::filesystem::is_regular_file(st)) {
    problems.push_back("tokenFile is not a regular file: " + path);
    return {};
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxTokenFileBytes) {
    problems.push_back("tokenFile is unreadable or too large: " + path);
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  std::string content(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(content.data(), static_cast<std::streamsize>(size))) {
    problems.push_back("cannot read tokenFile: " + path);
    return {};
  }
  std::string token(trim(content));
  if (token.empty()) problems.push_back("tokenFile is empty: " + path);
  return token;
}

void resolve_target(const json::value* root, const std::string& configured, TelegramSettings& s) {
  if (std::string t = strip_target_prefix(configured); !t.empty()) {
    s.target = std::move(t);
    s.target_source = "notify.target";
    return;
  }
  const json::object* agents = object_at(root, "agents");
  const json::value* list = member(agents, "list");
  if (list != nullptr && list->is_array()) {
    for (const json::value& a : list->as_array()) {
      if (!a.is_object()) continue;
      const json::value* id = a.as_object().if_contains("id");
      if (id == nullptr || !id->is_string() || id->as_string() != "main") continue;
      const json::object* hb = object_at(&a, "heartbeat");
      const json::value* via = member(hb, "target");
      if (via == nullptr || !via->is_string() || via->as_string() != "telegram") continue;
      if (std::string t = chat_id_text(member(hb, "to")); !t.empty()) {
        s.target = std::move(t);
        s.target_source = "agents.list[main].heartbeat.to";
        return;
      }
    }
  }
  const json::value* allow = member(telegram_channel(root), "allowFrom");
  if (allow != nullptr && allow->is_array() && !allow->as_array().empty()) {
    if (std::string t = chat_id_text(&allow->as_array()[0]); !t.empty()) {
      s.target = std::move(t);
      s.target_source = "channels.telegram.allowFrom[0]";
      return;
    }
  }
  s.problems.push_back(
      "no Telegram target: set notify.target, agents.list[main].heartbeat.to or "
      "channels.telegram.allowFrom");
}

// botToken, else tokenFile, of one object (channels.telegram or one of its accounts).
bool token_from(const json::object* o, const std::string& label, const GetenvFn& getenv_fn,
                TelegramSettings& s) {
  if (std::string t = non_empty_string(member(o, "botToken")); !t.empty()) {
    s.token = std::move(t);
    s.token_source = label + "botToken";
    return true;
  }
  if (std::string path = non_empty_string(member(o, "tokenFile")); !path.empty()) {
    if (std::string t = read_token_file(path, getenv_fn, s.problems); !t.empty()) {
      s.token = std::move(t);
      s.token_source = "tokenFile " + path;
      return true;
    }
  }
  return false;
}

void resolve_token(const json::value* root, const GetenvFn& getenv_fn, TelegramSettings& s) {
  const json::object* tg = telegram_channel(root);
  if (token_from(tg, "channels.telegram.", getenv_fn, s)) return;
  std::string account = non_empty_string(member(tg, "defaultAccount"));
  if (account.empty()) account = "default";
  const json::value* accounts = member(tg, "accounts");
  if (token_from(object_at(accounts, account), "accounts." + account + ".", getenv_fn, s)) return;
  if (auto env = getenv_fn("TELEGRAM_BOT_TOKEN"); env && !trim(*env).empty()) {
    s.token = std::string(trim(*env));
    s.token_source = "TELEGRAM_BOT_TOKEN";
    return;
  }
  s.problems.push_back(
      "no Telegram bot token: set channels.telegram.botToken or tokenFile, or "
      "TELEGRAM_BOT_TOKEN");
}

}  // namespace

std::optional<std::string> system_getenv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

std::string openclaw_config_path(const std::string& state_dir, const GetenvFn& getenv_fn) {
  if (auto p = getenv_fn("OPENCLAW_CONFIG_PATH"); p && !p->empty()) return *p;
  return (std::filesystem::path(state_dir) / "openclaw.json").string();
}

Result<boost::json::value> load_openclaw_json(const std::string& path) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (st.type() == std::filesystem::file_type::not_found) return Error{"not found: " + path};
  if (ec) return Error{"cannot read " + path + ": " + ec.message()};
  if (!std::filesystem::is_regular_file(st)) return Error{"not a regular file: " + path};
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error{"cannot read " + path + ": " + ec.message()};
  if (size > kMaxConfigBytes) return Error{"too large (over 16 MiB): " + path};
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(size))) {
    return Error{"cannot read " + path + ": " + std::strerror(errno)};
  }
  return parse_json5(text, path);
}

std::string strip_target_prefix(std::string_view t) {
  t = trim(t);
  for (std::string_view prefix : {"telegram:", "tg:"}) {
    if (t.substr(0, prefix.size()) == prefix) return std::string(trim(t.substr(prefix.size())));
  }
  return std::string(t);
}

TelegramSettings resolve_telegram(const std::optional<boost::json::value>& openclaw_json,
                                  const std::string& configured_target, const GetenvFn& getenv_fn) {
  TelegramSettings s;
  const json::value* root = openclaw_json ? &*openclaw_json : nullptr;
  resolve_target(root, configured_target, s);
  resolve_token(root, getenv_fn, s);
  if (std::string root_url = non_empty_string(member(telegram_channel(root), "apiRoot"));
      !root_url.empty()) {
    while (!root_url.empty() && root_url.back() == '/') root_url.pop_back();
    s.api_root = root_url;
  }
  return s;
}

}  // namespace opsd
