#include "engine/write_chain.hpp"

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

}  // namespace opsd
