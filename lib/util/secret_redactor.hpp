// Keeps opsd's own secrets (the bot token) out of what children print: job logs, output
// tails in reports and the audit log, probe errors. Each secret becomes kRedacted.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace opsd {

inline constexpr std::string_view kRedacted = "<redacted>";

// `text` with every occurrence of every secret replaced by kRedacted (empty secrets ignored).
std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets);

// redact_secrets() for the last bytes of a longer output: a text that begins with the end of a
// secret (at least kMinSecretPiece bytes of it; the cut fell inside it) has that piece
// replaced too.
inline constexpr std::size_t kMinSecretPiece = 6;
std::string redact_secrets_in_tail(std::string_view tail, const std::vector<std::string>& secrets);

// The same over a byte stream cut into arbitrary chunks: a secret split across two chunks is
// still replaced. feed() returns what may be written now; bytes that could begin a secret are
// held back (at most the longest secret's length minus one) until the next feed() or flush().
class SecretRedactor {
 public:
  explicit SecretRedactor(std::vector<std::string> secrets);

  std::string feed(std::string_view chunk);
  // Everything held back; the stream is then empty.
  std::string flush();
  bool empty() const { return secrets_.empty(); }

 private:
  std::vector<std::string> secrets_;
  std::string held_;
};

}  // namespace opsd
