#include "util/output_tail.hpp"

#include "util/utf8.hpp"

namespace opsd {

namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

void trim_front(std::string_view& s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
}

}  // namespace

std::string output_tail(std::string_view s, std::size_t max_bytes, CutMark mark) {
  trim_front(s);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  if (s.size() <= max_bytes) return utf8_valid(s);
  s = utf8_last_bytes(s, max_bytes);
  trim_front(s);
  return (mark == CutMark::ellipsis ? "…" : "") + utf8_valid(s);
}

}  // namespace opsd
