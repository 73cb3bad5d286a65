#include "engine/write_chain.hpp"

#include "notify/utf8.hpp"

namespace opsd {

ChainOutcome chain_outcome(const WriteChain& chain) {
  if (!chain.settled()) return ChainOutcome::pending;
  if (*chain.write_exit != 0) return ChainOutcome::write_failed;
  if (chain.verifications.empty()) return ChainOutcome::unverified;
  for (const auto& v : chain.verifications)
    if (!v.passed) return ChainOutcome::verification_failed;
  return ChainOutcome::verified;
}

std::string verification_summary(const WriteChain& chain) {
  std::string out;
  for (const auto& v : chain.verifications) {
    if (!out.empty()) out += ", ";
    out += v.name;
    if (!v.exit_code)
      out += " …";
    else if (v.passed)
      out += " ✅";
    else
      out += " ❌ exit=" + std::to_string(*v.exit_code);
  }
  return out;
}

std::string verification_names(const WriteChain& chain) {
  std::string out;
  for (const auto& v : chain.verifications) out += (out.empty() ? "" : ", ") + v.name;
  return out;
}

std::string tail_utf8(std::string_view s, std::size_t max_bytes) {
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  s = utf8_last_bytes(s, max_bytes);
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  return utf8_valid(s);  // it goes into the audit log and reports: JSON, Telegram
}

}  // namespace opsd
