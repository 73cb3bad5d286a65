// The opsd binary's hidden modes, run instead of the daemon when argv[1] names one: the log
// relay (process/log_relay.hpp). Checked first in main, before any setup.
#pragma once

namespace opsd {

// True when argv asks for a hidden mode; it then ran, and `exit_code` is what main returns.
bool run_hidden_mode(int argc, char** argv, int& exit_code);

}  // namespace opsd
