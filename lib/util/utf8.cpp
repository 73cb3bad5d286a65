#include "util/utf8.hpp"

namespace opsd {

std::optional<char32_t> utf8_decode(std::string_view s, std::size_t pos, std::size_t& len) {
  len = 1;
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) return b0;
  const std::size_t n = b0 >= 0xF0 && b0 < 0xF5   ? 4
                        : b0 >= 0xE0 && b0 < 0xF0 ? 3
                        : b0 >= 0xC2 && b0 < 0xE0 ? 2
                                                  : 0;
  if (n == 0 || pos + n > s.size()) return std::nullopt;
  char32_t cp = b0 & (0xFFu >> (n + 1));
  for (std::size_t i = 1; i < n; ++i) {
    if (!utf8_is_continuation(s[pos + i])) return std::nullopt;
    cp = (cp << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3Fu);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  len = n;
  return cp;
}

void utf8_append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += utf8_is_continuation(c) ? 0 : 1;
  return n;
}

std::size_t utf16_length(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += utf8_is_continuation(c) ? 0 : utf16_units_of_lead(c);
  return n;
}

std::string_view utf8_last_bytes(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  s.remove_prefix(s.size() - max_bytes);
  while (!s.empty() && utf8_is_continuation(s.front())) s.remove_prefix(1);
  return s;
}

std::string utf8_valid(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t run = 0;  // start of the valid bytes not yet copied
  for (std::size_t pos = 0; pos < s.size();) {
    std::size_t len = 1;
    if (static_cast<unsigned char>(s[pos]) < 0x80 || utf8_decode(s, pos, len)) {
      pos += len;
      continue;
    }
    out.append(s.substr(run, pos - run));
    utf8_append(out, 0xFFFD);
    pos += 1;
    run = pos;
  }
  out.append(s.substr(run));
  return out;
}

}  // namespace opsd
