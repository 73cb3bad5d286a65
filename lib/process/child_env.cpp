#include "process/child_env.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

namespace opsd {
namespace {

bool stripped_key(std::string_view key) {
  return key == "NOTIFY_SOCKET" || key.starts_with("WATCHDOG_") || key.starts_with("LISTEN_") ||
         key == "OPS_JOB_ID" || key == "OPS_STATE_DIR" || key == "TELEGRAM_BOT_TOKEN";
}

bool holds_secret(std::string_view value, const std::vector<std::string>& secrets) {
  for (const std::string& s : secrets)
    if (!s.empty() && value.find(s) != std::string_view::npos) return true;
  return false;
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

// "" when `path` is an executable regular file, else why not.
std::string executable_problem(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "no such file";
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  if (::access(path.c_str(), X_OK) != 0) return "not executable";
  return {};
}

}  // namespace

std::vector<std::string> child_environment(char** environ_in, const std::string& job_id,
                                           const std::string& state_dir,
                                           const std::vector<std::string>& secrets) {
  std::vector<std::string> env;
  for (char** p = environ_in; p != nullptr && *p != nullptr; ++p) {
    std::string_view entry(*p);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    if (stripped_key(entry.substr(0, eq)) || holds_secret(entry.substr(eq + 1), secrets)) continue;
    env.emplace_back(entry);
  }
  env.push_back("OPS_JOB_ID=" + job_id);
  env.push_back("OPS_STATE_DIR=" + state_dir);
  return env;
}

std::string env_value(const std::vector<std::string>& env, const std::string& key) {
  for (const auto& entry : env) {
    if (entry.size() > key.size() && entry[key.size()] == '=' && entry.starts_with(key)) {
      return entry.substr(key.size() + 1);
    }
  }
  return {};
}

Result<std::string> resolve_executable(const std::string& argv0, const std::string& cwd,
                                       const std::string& path_env) {
  if (argv0.empty()) return Error{"empty command name"};
  if (argv0.find('/') != std::string::npos) {
    std::string path = argv0.front() == '/' ? argv0 : join(cwd, argv0);
    if (auto problem = executable_problem(path); !problem.empty()) {
      return Error{"cannot execute `" + argv0 + "`: " + problem + " (" + path + ")"};
    }
    return path;
  }
  std::string_view rest(path_env);
  while (true) {
    auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty() || dir.front() != '/') dir = join(cwd, dir);
    std::string candidate = join(dir, argv0);
    if (executable_problem(candidate).empty()) return candidate;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return Error{"cannot execute `" + argv0 + "`: not found in PATH"};
}

}  // namespace opsd
