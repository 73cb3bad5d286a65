#include "cli/terminal_width.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

namespace {

opsd::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("a pipe has no width, whatever COLUMNS says", "[terminal_width]") {
  CHECK(opsd::table_width(false, env_of({}), 0) == 0);
  CHECK(opsd::table_width(false, env_of({{"COLUMNS", "40"}}), 120) == 0);
}

TEST_CASE("a terminal has its own width unless COLUMNS overrides it", "[terminal_width]") {
  CHECK(opsd::table_width(true, env_of({}), 120) == 120);
  CHECK(opsd::table_width(true, env_of({{"COLUMNS", "60"}}), 120) == 60);
  CHECK(opsd::table_width(true, env_of({}), 0) == 0);  // a terminal that reports no size
}

TEST_CASE("a COLUMNS that is not a positive number is ignored", "[terminal_width]") {
  for (const char* bad : {"", "0", "-5", "80x", "wide", " 80"})
    CHECK(opsd::table_width(true, env_of({{"COLUMNS", bad}}), 100) == 100);
}
