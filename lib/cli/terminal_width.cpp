#include "cli/terminal_width.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <optional>
#include <string>

namespace opsd {

std::size_t table_width(bool is_terminal, const EnvLookup& env, std::size_t terminal_columns) {
  if (!is_terminal) return 0;
  if (std::optional<std::string> columns = env("COLUMNS"); columns && !columns->empty()) {
    std::size_t n = 0;
    const char* end = columns->data() + columns->size();
    auto [ptr, ec] = std::from_chars(columns->data(), end, n);
    if (ec == std::errc() && ptr == end && n > 0) return n;
  }
  return terminal_columns;
}

std::size_t stdout_table_width() {
  const bool tty = isatty(STDOUT_FILENO) == 1;
  winsize ws{};
  const std::size_t cols = tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
  return table_width(tty, process_env(), cols);
}

}  // namespace opsd
