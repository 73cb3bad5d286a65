#include "config/paths.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace opsd {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> non_empty(const EnvLookup& env, const std::string& name) {
  auto v = env(name);
  if (v && !v->empty()) return v;
  return std::nullopt;
}

// The passwd entry's home directory for `name` (empty: the current uid), or nullopt.
std::optional<std::string> passwd_home(const std::string& name) {
  long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(hint > 0 ? static_cast<std::size_t>(hint) : 16384);
  passwd pw{};
  passwd* found = nullptr;
  int rc = name.empty() ? getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &found)
                        : getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
  if (rc != 0 || found == nullptr || pw.pw_dir == nullptr || *pw.pw_dir == '\0')
    return std::nullopt;
  return std::string(pw.pw_dir);
}

// Absolute, lexically normal, no trailing separator (except "/").
std::string normalize(const std::string& p) {
  std::error_code ec;
  fs::path abs = fs::path(p).is_absolute() ? fs::path(p) : fs::absolute(p, ec);
  if (ec) abs = fs::path(p);
  std::string out = abs.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string under(const std::string& dir, std::string_view rel) {
  return (fs::path(dir) / fs::path(rel)).lexically_normal().string();
}

}  // namespace

std::string expand_tilde(std::string_view path, std::string_view home) {
  if (path == "~") return std::string(home);
  if (path.starts_with("~/")) return (fs::path(home) / fs::path(path.substr(2))).string();
  return std::string(path);
}

std::string expand_user_path(std::string_view path, std::string_view home) {
  if (!path.starts_with("~") || path == "~" || path.starts_with("~/"))
    return expand_tilde(path, home);
  auto slash = path.find('/');
  std::string user(path.substr(1, slash == std::string_view::npos ? path.npos : slash - 1));
  auto dir = passwd_home(user);
  if (!dir) return std::string(path);
  if (slash == std::string_view::npos) return *dir;
  return (fs::path(*dir) / fs::path(path.substr(slash + 1))).string();
}

Result<Paths> resolve_paths(const PathOptions& flags, const EnvLookup& env) {
  Paths p;
  auto home = non_empty(env, "HOME");
  if (!home) home = passwd_home("");
  p.home = home ? normalize(*home) : std::string();

  auto expand = [&](const std::string& v) -> Result<std::string> {
    if (v.starts_with("~") && p.home.empty())
      return Error{"cannot expand \"" + v + "\": HOME is not set and no passwd entry"};
    return normalize(expand_user_path(v, p.home));
  };

  std::optional<std::string> state = flags.state_dir && !flags.state_dir->empty()
                                         ? flags.state_dir
                                         : non_empty(env, "OPENCLAW_STATE_DIR");
  if (!state) state = non_empty(env, "OPENCLAW_HOME");
  if (!state) {
    if (p.home.empty())
      return Error{
          "cannot find the state directory: give --state-dir or set "
          "OPENCLAW_STATE_DIR (HOME is not set)"};
    state = p.home + "/.openclaw";
  }
  auto state_dir = expand(*state);
  if (!state_dir) return state_dir.error();
  p.state_dir = *state_dir;

  auto override_or = [&](const std::optional<std::string>& v,
                         std::string_view rel) -> Result<std::string> {
    if (v && !v->empty()) return expand(*v);
    return under(p.state_dir, rel);
  };
  auto config = override_or(flags.config_file, "net/config/ops-jobs.json");
  if (!config) return config.error();
  auto socket = override_or(flags.socket, "net/run/opsd.sock");
  if (!socket) return socket.error();
  auto openclaw = override_or(non_empty(env, "OPENCLAW_CONFIG_PATH"), "openclaw.json");
  if (!openclaw) return openclaw.error();
  p.config_file = *config;
  p.socket = *socket;
  p.openclaw_config = *openclaw;
  p.state_file = under(p.state_dir, "net/state/ops-monitor.json");
  p.logs_dir = under(p.state_dir, "net/logs");
  p.audit_log = under(p.state_dir, "net/state/audit.jsonl");
  return p;
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

}  // namespace opsd
