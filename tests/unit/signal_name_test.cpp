#include "util/signal_name.hpp"

#include <catch2/catch.hpp>
#include <csignal>

using opsd::signal_name;

TEST_CASE("signals are named as operators read them", "[signal_name]") {
  CHECK(signal_name(SIGKILL) == "SIGKILL");
  CHECK(signal_name(SIGSEGV) == "SIGSEGV");
  CHECK(signal_name(SIGTERM) == "SIGTERM");
  CHECK(signal_name(SIGABRT) == "SIGABRT");
}

TEST_CASE("an unknown signal is named by its number", "[signal_name]") {
  CHECK(signal_name(0) == "signal 0");
  CHECK(signal_name(77) == "signal 77");
}
