// `opsctl validate-config` (docs/config.md): works without a daemon.
#pragma once

#include <iosfwd>
#include <string>

#include "config/config_loader.hpp"

namespace opsd {

// Loads `config_path`, prints every diagnostic (errors and warnings) to `err`, one per line.
// Also warns about enabled jobs whose cwd does not exist. On success prints
// "OK: N jobs (L long, R read, W write), config F" to `out` and returns 0; on any error
// prints a count line to `err` and returns 2.
int run_validate_config(const std::string& config_path, const ConfigContext& ctx, std::ostream& out,
                        std::ostream& err);

}  // namespace opsd
