#include "notify/split_message.hpp"

#include <algorithm>

#include "util/utf8.hpp"

namespace opsd {
namespace {

// Byte length of the longest prefix of `s` that holds at most `max_units` UTF-16 code units,
// but at least one whole code point (one wider than `max_units` stands alone).
std::size_t prefix_bytes(std::string_view s, std::size_t max_units) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (utf8_is_continuation(s[i])) continue;
    const std::size_t u = utf16_units_of_lead(s[i]);
    if (i > 0 && units + u > max_units) return i;
    units += u;
  }
  return s.size();
}

}  // namespace

std::vector<std::string> split_message(std::string_view text, std::size_t max_chars) {
  max_chars = std::max<std::size_t>(max_chars, 1);
  std::vector<std::string> pieces;
  std::string current;
  std::size_t current_units = 0;
  auto flush = [&] {
    if (!current.empty()) pieces.push_back(std::move(current));
    current.clear();
    current_units = 0;
  };
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl == std::string_view::npos ? text.size() : nl + 1);
    text.remove_prefix(line.size());
    std::size_t line_units = utf16_length(line);
    if (current_units + line_units > max_chars) flush();
    while (line_units > max_chars) {  // an overlong line: cut it into full pieces
      const std::string_view head = line.substr(0, prefix_bytes(line, max_chars));
      pieces.emplace_back(head);
      line.remove_prefix(head.size());
      line_units -= utf16_length(head);
    }
    current.append(line);
    current_units += line_units;
  }
  flush();
  return pieces;
}

}  // namespace opsd
