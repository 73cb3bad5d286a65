// Fuzzes the status-contract parser (docs/status-contract.md): a report or a probe failure with a
// reason.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "process/status_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  opsd::ProbeResult r =
      opsd::parse_status_output(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!r.report && r.error.empty()) __builtin_trap();  // a failure always says why
  return 0;
}
