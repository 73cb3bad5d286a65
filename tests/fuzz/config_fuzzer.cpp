// Fuzzes the ops-jobs.json loader: any bytes give diagnostics or a config, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const opsd::ConfigContext ctx{"/state", "/home/u", "/state/net/config"};
  opsd::ConfigLoad load =
      opsd::parse_config(std::string_view(reinterpret_cast<const char*>(data), size), ctx);
  // A config is set exactly when there is no error (config_loader.hpp).
  if (load.config.has_value() != load.ok()) __builtin_trap();
  return 0;
}
