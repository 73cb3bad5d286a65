#include "service/reexec_handover.hpp"

#include <charconv>
#include <string_view>

namespace opsd {

namespace {

bool is_handover_entry(std::string_view entry) {
  for (std::string_view name : {kListenFdEnv, kReexecFromEnv})
    if (entry.size() > name.size() && entry.substr(0, name.size()) == name &&
        entry[name.size()] == '=')
      return true;
  return false;
}

std::string first_line(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  return std::string(line);
}

}  // namespace

Handover parse_handover(const EnvLookup& env) {
  Handover h;
  if (std::optional<std::string> from = env(kReexecFromEnv)) h.from_version = *from;
  std::optional<std::string> fd = env(kListenFdEnv);
  if (!fd || fd->empty()) return h;
  int n = -1;
  auto [end, ec] = std::from_chars(fd->data(), fd->data() + fd->size(), n);
  if (ec != std::errc() || end != fd->data() + fd->size() || n < 3) {
    h.problem = std::string(kListenFdEnv) + "='" + *fd + "' is not a file descriptor >= 3";
    return h;
  }
  h.listen_fd = n;
  return h;
}

std::vector<std::string> handover_environment(const std::vector<std::string>& environ_entries,
                                              int listen_fd, const std::string& from_version,
                                              const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (const std::string& e : environ_entries)
    if (!is_handover_entry(e)) env.push_back(e);
  env.push_back(std::string(kListenFdEnv) + "=" + std::to_string(listen_fd));
  env.push_back(std::string(kReexecFromEnv) + "=" + from_version);
  for (const std::string& e : extra) env.push_back(e);
  return env;
}

Result<std::string> preflight_verdict(const std::string& binary, const CommandOutput& out) {
  const std::string what = "new opsd binary " + binary;
  if (!out.spawn_error.empty()) return Error{what + " cannot be run: " + out.spawn_error};
  if (out.timed_out) return Error{what + " did not finish its check within the time limit"};
  std::string why = first_line(out.stderr_tail);
  if (out.exit_code != 0) {
    std::string how = out.exit_code < 0 ? "was killed by signal " + std::to_string(-out.exit_code)
                                        : "exited " + std::to_string(out.exit_code);
    return Error{what + " failed its check (" + how + ")" + (why.empty() ? "" : ": " + why)};
  }
  std::string line = first_line(out.stdout_text);
  constexpr std::string_view kPrefix = "opsd ";
  if (line.size() <= kPrefix.size() || line.compare(0, kPrefix.size(), kPrefix) != 0)
    return Error{what + " passed its check but did not print its version ('" + line + "')"};
  return line.substr(kPrefix.size());
}

}  // namespace opsd
