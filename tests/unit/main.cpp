// The one translation unit that holds Catch2's runner. The test binary also serves as the log
// relay of the children the launcher tests start (LaunchSpec::relay_binary = /proc/self/exe).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "process/log_relay.hpp"

int main(int argc, char** argv) {
  if (int code = 0; opsd::run_log_relay(argc, argv, code)) return code;
  return Catch::Session().run(argc, argv);
}
