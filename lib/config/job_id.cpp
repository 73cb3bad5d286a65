#include "config/job_id.hpp"

namespace opsd {

namespace {

bool safe_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

std::optional<std::string> job_id_error(std::string_view id) {
  if (id.empty()) return "must be a non-empty string";
  if (id.size() > kMaxJobIdBytes)
    return "is " + std::to_string(id.size()) + " bytes long; ids are at most " +
           std::to_string(kMaxJobIdBytes) + " bytes";
  for (unsigned char c : id)
    if (c < 0x20 || c == 0x7f) return "contains a control character (newline, tab, ...)";
  return std::nullopt;
}

bool job_id_is_plain(std::string_view id) {
  if (job_id_error(id) || id.front() == '.') return false;
  for (unsigned char c : id)
    if (!safe_byte(c)) return false;
  return true;
}

std::string job_file_stem(std::string_view id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(id.size());
  for (std::size_t i = 0; i < id.size(); ++i) {
    auto c = static_cast<unsigned char>(id[i]);
    if (safe_byte(c) && !(i == 0 && c == '.')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out.empty() ? std::string("%") : out;
}

}  // namespace opsd
