#include "notify/split_message.hpp"

#include <algorithm>

#include "notify/utf8.hpp"

namespace opsd {
namespace {

// Byte offset where code point number `n` (0-based, counted like utf8_length) starts, or
// s.size() when `s` holds at most `n` code points.
std::size_t prefix_bytes(std::string_view s, std::size_t n) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (utf8_is_continuation(s[i])) continue;
    if (count == n) return i;
    ++count;
  }
  return s.size();
}

}  // namespace

std::vector<std::string> split_message(std::string_view text, std::size_t max_chars) {
  max_chars = std::max<std::size_t>(max_chars, 1);
  std::vector<std::string> pieces;
  std::string current;
  std::size_t current_chars = 0;
  auto flush = [&] {
    if (!current.empty()) pieces.push_back(std::move(current));
    current.clear();
    current_chars = 0;
  };
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl == std::string_view::npos ? text.size() : nl + 1);
    text.remove_prefix(line.size());
    std::size_t line_chars = utf8_length(line);
    if (current_chars + line_chars > max_chars) flush();
    while (line_chars > max_chars) {  // an overlong line: cut it into full pieces
      const std::size_t cut = prefix_bytes(line, max_chars);
      pieces.emplace_back(line.substr(0, cut));
      line.remove_prefix(cut);
      line_chars -= max_chars;
    }
    current.append(line);
    current_chars += line_chars;
  }
  flush();
  return pieces;
}

}  // namespace opsd
