#include "service/reexec_handover.hpp"

#include <catch2/catch.hpp>
#include <map>

namespace {

opsd::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

opsd::CommandOutput exited(int code, std::string out, std::string err = "") {
  opsd::CommandOutput o;
  o.exit_code = code;
  o.stdout_text = std::move(out);
  o.stderr_tail = std::move(err);
  return o;
}

}  // namespace

TEST_CASE("a normal start has no handover", "[service][reexec]") {
  opsd::Handover h = opsd::parse_handover(env_of({}));
  CHECK_FALSE(h.listen_fd);
  CHECK(h.from_version.empty());
  CHECK(h.problem.empty());
}

TEST_CASE("the handover names the listening fd and the old version", "[service][reexec]") {
  opsd::Handover h =
      opsd::parse_handover(env_of({{"OPSD_LISTEN_FD", "7"}, {"OPSD_REEXEC_FROM", "0.1.0"}}));
  REQUIRE(h.listen_fd);
  CHECK(*h.listen_fd == 7);
  CHECK(h.from_version == "0.1.0");
  CHECK(h.problem.empty());
}

TEST_CASE("an unusable OPSD_LISTEN_FD is a problem, not a fd", "[service][reexec]") {
  for (const char* bad : {"x", "2", "-1", "7x", " 7"}) {
    opsd::Handover h = opsd::parse_handover(env_of({{"OPSD_LISTEN_FD", bad}}));
    CHECK_FALSE(h.listen_fd);
    CHECK_THAT(h.problem, Catch::Contains("OPSD_LISTEN_FD") && Catch::Contains(bad));
  }
}

TEST_CASE("the next image's environment replaces earlier handover variables", "[service][reexec]") {
  std::vector<std::string> env = opsd::handover_environment(
      {"PATH=/bin", "OPSD_LISTEN_FD=9", "OPSD_REEXEC_FROM=0.0.9", "OPSD_LISTEN_FDX=1"}, 5, "0.1.0",
      {"NOTIFY_SOCKET=/run/n"});
  CHECK(env == std::vector<std::string>{"PATH=/bin", "OPSD_LISTEN_FDX=1", "OPSD_LISTEN_FD=5",
                                        "OPSD_REEXEC_FROM=0.1.0", "NOTIFY_SOCKET=/run/n"});
}

TEST_CASE("the pre-flight passes only with exit 0 and a version line", "[service][reexec]") {
  auto v = opsd::preflight_verdict("/usr/bin/opsd", exited(0, "opsd 0.2.0\n"));
  REQUIRE(v);
  CHECK(*v == "0.2.0");
  auto no_version = opsd::preflight_verdict("/usr/bin/opsd", exited(0, "hello\n"));
  REQUIRE_FALSE(no_version);
  CHECK_THAT(no_version.error().message, Catch::Contains("did not print its version"));
}

TEST_CASE("a failed pre-flight says why and names the binary", "[service][reexec]") {
  auto rc = opsd::preflight_verdict("/opt/opsd", exited(2, "", "invalid config x.json\nmore"));
  REQUIRE_FALSE(rc);
  CHECK_THAT(rc.error().message, Catch::Contains("/opt/opsd") && Catch::Contains("exited 2") &&
                                     Catch::Contains("invalid config x.json") &&
                                     !Catch::Contains("more"));
  auto killed = opsd::preflight_verdict("/opt/opsd", exited(-11, ""));
  REQUIRE_FALSE(killed);
  CHECK_THAT(killed.error().message, Catch::Contains("killed by signal 11"));
  opsd::CommandOutput missing;
  missing.spawn_error = "No such file or directory";
  auto m = opsd::preflight_verdict("/opt/opsd", missing);
  REQUIRE_FALSE(m);
  CHECK_THAT(m.error().message,
             Catch::Contains("cannot be run") && Catch::Contains("No such file or directory"));
  opsd::CommandOutput slow;
  slow.timed_out = true;
  auto t = opsd::preflight_verdict("/opt/opsd", slow);
  REQUIRE_FALSE(t);
  CHECK_THAT(t.error().message, Catch::Contains("time limit"));
}
