// Signal numbers as operators read them (SIGKILL, SIGSEGV, ...). Pure, no I/O.
#pragma once

#include <string>

namespace opsd {

// "SIGKILL" for 9 and the other standard POSIX signals; "signal N" for anything else.
std::string signal_name(int sig);

}  // namespace opsd
