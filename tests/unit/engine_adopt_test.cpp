// The engine across daemon runs: adopted children stay owned, others are forgotten; an adopted
// child's exit has no code, and the report says so.
#include <catch2/catch.hpp>

#include "engine/engine.hpp"
#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

State running_owned(const std::string& id, std::int64_t pid) {
  State s;
  JobRuntime& rt = s.jobs[id];
  rt.state = JobState::running;
  rt.running = true;
  rt.pid = pid;
  rt.owned_pid = pid;
  rt.owned.pgid = pid;
  rt.owned.start_ticks = 12345;
  return s;
}

}  // namespace

TEST_CASE("startup keeps the children it is told were adopted and forgets the others",
          "[engine][adopt]") {
  Engine e(config_of({long_job("a"), long_job("b")}), [] {
    State s = running_owned("a", 101);
    s.jobs["b"] = running_owned("b", 202).jobs["b"];
    return s;
  }());
  Step step = e.on_startup(kT0, {"a"});
  CHECK(step.state_changed);
  const JobRuntime& a = e.state().jobs.at("a");
  const JobRuntime& b = e.state().jobs.at("b");
  REQUIRE(a.owned_pid);
  CHECK(*a.owned_pid == 101);
  CHECK(a.owned.adopted);
  CHECK(a.owned.start_ticks == 12345);
  CHECK_FALSE(b.owned_pid);
  CHECK(b.owned == OwnedIdentity{});
  // Both are probed: the status command still decides what they are doing.
  CHECK(only<LaunchProbe>(step.actions).size() == 2);
  // A stop of the adopted job signals its group through the daemon (owned), nothing is started.
  CHECK(only<LaunchStart>(step.actions).empty());
}

TEST_CASE("startup without adoption forgets every owned child", "[engine][adopt]") {
  Engine e(config_of({long_job("a")}), running_owned("a", 101));
  (void)e.on_startup(kT0);
  CHECK_FALSE(e.state().jobs.at("a").owned_pid);
  CHECK_FALSE(e.state().jobs.at("a").owned.adopted);
}

TEST_CASE("an adopted child's exit of unknown code is reported as unknown", "[engine][adopt]") {
  Config config = config_of({long_job("a")});
  config.notify.locale = "en";
  Engine e(config, running_owned("a", 101));
  (void)e.on_startup(kT0, {"a"});
  (void)e.on_probe_result("a", running("k"), kT0 + 500);  // the startup probe
  ExitInfo exit;
  exit.code_known = false;
  exit.runtime_ms = 5000;
  Step step = e.on_child_exited("a", exit, kT0 + 1000);
  CHECK_FALSE(e.state().jobs.at("a").owned_pid);
  REQUIRE(e.state().jobs.at("a").last_exit);
  CHECK_FALSE(e.state().jobs.at("a").last_exit->code);
  CHECK(e.state().jobs.at("a").last_exit->signal == 0);
  CHECK(only<LaunchProbe>(step.actions).size() == 1);
  auto notes = only<Notify>(e.on_probe_result("a", not_running(), kT0 + 2000).actions);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].alert);
  CHECK(notes[0].section.state.find("exit code unknown") != std::string::npos);
}

TEST_CASE("a launched child's identity is recorded while it is owned", "[engine][adopt]") {
  Engine e(config_of({long_job("a")}), State{});
  (void)e.on_startup(kT0);
  (void)e.request_start("a", false, kT0);
  (void)e.on_start_launched("a", 77, "", kT0 + 1);
  OwnedIdentity id;
  id.pgid = 77;
  id.start_ticks = 999;
  id.relay_pid = 78;
  CHECK(e.on_child_identity("a", 77, id, kT0 + 2).state_changed);
  CHECK(e.state().jobs.at("a").owned == id);
  // Not the owned pid: ignored.
  CHECK_FALSE(e.on_child_identity("a", 5, OwnedIdentity{}, kT0 + 3).state_changed);
  CHECK(e.state().jobs.at("a").owned == id);
}
