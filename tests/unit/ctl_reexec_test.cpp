#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "cli/ctl_commands.hpp"

TEST_CASE("reexec waits until another image answers", "[cli][reexec]") {
  boost::json::object before{{"version", "0.1.0"}, {"pid", 42}, {"startedAt", 1000}};
  boost::json::object same{{"version", "0.1.0"}, {"pid", 42}, {"startedAt", 1000}};
  CHECK_FALSE(opsd::reexec_outcome(before, same));
  boost::json::object next{{"version", "0.2.0"}, {"pid", 42}, {"startedAt", 2000}};
  auto line = opsd::reexec_outcome(before, next);
  REQUIRE(line);
  CHECK(*line == "opsd 0.2.0 replaced opsd 0.1.0 (pid 42)");
}
