#include "service/hidden_mode.hpp"

#include "process/log_relay.hpp"
#include "service/reexec_check.hpp"

namespace opsd {

bool run_hidden_mode(int argc, char** argv, int& exit_code) {
  return run_log_relay(argc, argv, exit_code) || run_reexec_check(argc, argv, exit_code);
}

}  // namespace opsd
