#include "notify/redact.hpp"

namespace opsd {
namespace {

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at)) {
    s.replace(at, what.size(), with);
    at += with.size();
  }
}

std::string percent_encoded_colons(std::string_view token, std::string_view code) {
  std::string out;
  for (const char c : token) {
    if (c == ':') {
      out += code;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string redact_token(std::string_view text, std::string_view token) {
  std::string out(text);
  if (token.empty()) return out;
  const std::string forms[] = {std::string(token), percent_encoded_colons(token, "%3A"),
                               percent_encoded_colons(token, "%3a")};
  for (const std::string& form : forms) {
    replace_all(out, "bot" + form, "bot<redacted>");
    replace_all(out, form, "<redacted>");
  }
  return out;
}

}  // namespace opsd
