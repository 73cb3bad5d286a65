// `opsd --reexec-check [--state-dir D] [--config-file F]`: the hidden pre-flight mode a running
// opsd starts the new binary in before it execve()s it (docs/processes.md). Reads the config
// and the state file without changing anything; exits 0 printing "opsd <version>" when both
// load, else 2 with the reason on stderr.
#pragma once

namespace opsd {

// True when argv[1] is the check flag; it then ran, and `exit_code` is what main returns.
bool run_reexec_check(int argc, char** argv, int& exit_code);

}  // namespace opsd
