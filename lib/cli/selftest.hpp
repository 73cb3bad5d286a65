// `opsctl selftest`: checks the installation for real, without a daemon.
#pragma once

#include <iosfwd>
#include <string>

#include "config/paths.hpp"

namespace opsd {

struct SelftestOptions {
  Paths paths;
  std::string target;  // --target override, like opsd's
};

// Prints a checklist ("[ok]", "[FAIL]", "[warn]" per check). Returns 0 when every required
// check passes, 1 otherwise. Never prints the bot token.
int run_selftest(const SelftestOptions& options, std::ostream& out);

}  // namespace opsd
