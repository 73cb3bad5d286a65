#include "util/secret_redactor.hpp"

#include <algorithm>

namespace opsd {

std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (std::size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at)) {
      out.replace(at, secret.size(), kRedacted);
      at += kRedacted.size();
    }
  }
  return out;
}

std::string redact_secrets_in_tail(std::string_view tail, const std::vector<std::string>& secrets) {
  std::string out = redact_secrets(tail, secrets);
  for (const std::string& s : secrets) {
    if (s.size() <= kMinSecretPiece) continue;
    for (std::size_t n = std::min(s.size() - 1, out.size()); n >= kMinSecretPiece; --n) {
      if (out.compare(0, n, s, s.size() - n, n) == 0) {
        out.replace(0, n, kRedacted);
        break;
      }
    }
  }
  return out;
}

SecretRedactor::SecretRedactor(std::vector<std::string> secrets) {
  for (std::string& s : secrets)
    if (!s.empty()) secrets_.push_back(std::move(s));
}

std::string SecretRedactor::feed(std::string_view chunk) {
  if (secrets_.empty()) return std::string(chunk);
  held_.append(chunk);
  std::string text = redact_secrets(held_, secrets_);
  // Hold back the longest tail that is a proper prefix of a secret: the next chunk may finish it.
  std::size_t keep = 0;
  for (const std::string& s : secrets_) {
    for (std::size_t n = std::min(s.size() - 1, text.size()); n > keep; --n) {
      if (text.compare(text.size() - n, n, s, 0, n) == 0) {
        keep = n;
        break;
      }
    }
  }
  held_ = text.substr(text.size() - keep);
  text.resize(text.size() - keep);
  return text;
}

std::string SecretRedactor::flush() {
  std::string out = std::move(held_);
  held_.clear();
  return out;
}

}  // namespace opsd
