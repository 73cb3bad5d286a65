#include "service/hidden_mode.hpp"

#include <catch2/catch.hpp>

TEST_CASE("the daemon's hidden modes answer only to their flags", "[service][relay]") {
  int code = -1;
  char prog[] = "opsd";
  char relay[] = "--log-relay";
  char version[] = "--version";
  char* daemon_args[] = {prog, version, nullptr};
  CHECK_FALSE(opsd::run_hidden_mode(2, daemon_args, code));
  char* none[] = {prog, nullptr};
  CHECK_FALSE(opsd::run_hidden_mode(1, none, code));
  char* relay_without_log[] = {prog, relay, nullptr};
  CHECK(opsd::run_hidden_mode(2, relay_without_log, code));
  CHECK(code == 2);
}

TEST_CASE("the reexec check is a hidden mode that fails on a missing config", "[service][reexec]") {
  int code = -1;
  char prog[] = "opsd";
  char check[] = "--reexec-check";
  char flag[] = "--config-file";
  char missing[] = "/nonexistent/opsd-test/ops-jobs.json";
  char* args[] = {prog, check, flag, missing, nullptr};
  CHECK(opsd::run_hidden_mode(4, args, code));
  CHECK(code == 2);
}
