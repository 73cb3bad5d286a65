#include "cli/legacy_options.hpp"

#include <catch2/catch.hpp>

using opsd::state_dir_of_state_file;

TEST_CASE("--state-file names a state dir only when it is STATE/net/state/ops-monitor.json",
          "[legacy_options]") {
  CHECK(state_dir_of_state_file("/home/me/.openclaw/net/state/ops-monitor.json") ==
        "/home/me/.openclaw");
  CHECK(state_dir_of_state_file("/srv/x/./net/state/ops-monitor.json") == "/srv/x");
  CHECK(state_dir_of_state_file("net/state/ops-monitor.json") == ".");
  CHECK_FALSE(state_dir_of_state_file("/tmp/ops-monitor.json"));
  CHECK_FALSE(state_dir_of_state_file("/srv/net/state/other.json"));
  CHECK_FALSE(state_dir_of_state_file(""));
}

TEST_CASE("the notes for the original's words name the word and what opsd does instead",
          "[legacy_options]") {
  CHECK(opsd::state_file_note("/tmp/s.json") ==
        "opsctl: note: --state-file /tmp/s.json is not used: opsd keeps its state in "
        "STATE/net/state/ops-monitor.json (choose STATE with --state-dir; copy the original's "
        "file there to keep its state)");
  CHECK(opsd::tick_target_note("123").starts_with("opsctl: note: tick --target 123 is not used"));
}
