#include "process/command_runner.hpp"

#include <stdlib.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include "process/child_env.hpp"
#include "process_test_support.hpp"

extern "C" char** environ;  // NOLINT: POSIX

using namespace std::chrono_literals;
using opsd::CommandOutput;
using opsd::CommandRunner;
using opsd::RunSpec;

namespace {

using namespace process_test;

RunSpec shell(const std::string& script, std::chrono::milliseconds timeout = 2s) {
  RunSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.timeout = timeout;
  return spec;
}

// Runs one command and returns its output.
CommandOutput run_one(RunSpec spec) {
  boost::asio::io_context io;
  CommandRunner runner(io.get_executor());
  std::optional<CommandOutput> out;
  runner.run(std::move(spec), [&](CommandOutput o) { out = std::move(o); });
  REQUIRE(run_until(
      io, [&] { return out.has_value(); }, 3s));
  return *out;
}

}  // namespace

TEST_CASE("runner captures stdout, the stderr tail and a zero exit", "[process]") {
  auto out = run_one(shell("echo hello; echo oops >&2"));
  CHECK(out.spawn_error.empty());
  CHECK(out.exit_code == 0);
  CHECK_FALSE(out.timed_out);
  CHECK_FALSE(out.overflow);
  CHECK(out.stdout_text == "hello\n");
  CHECK(out.stderr_tail == "oops\n");
  CHECK(out.duration_ms >= 0);
  CHECK(no_children_left());
}

TEST_CASE("runner passes cwd, environment and argv[0] as given", "[process]") {
  TempDir dir("opsd-run");
  std::ofstream(dir.path + "/show.sh") << "#!/bin/sh\necho \"$0 $OPS_JOB_ID $(pwd)\"\n";
  std::filesystem::permissions(dir.path + "/show.sh", std::filesystem::perms::owner_all);
  RunSpec spec;
  spec.argv = {"./show.sh"};
  spec.cwd = dir.path;
  spec.env = opsd::child_environment(environ, "scan", dir.path);
  spec.timeout = 2s;
  auto out = run_one(spec);
  CHECK(out.spawn_error.empty());
  CHECK(out.stdout_text ==
        "./show.sh scan " + std::filesystem::canonical(dir.path).string() + "\n");
}

TEST_CASE("runner reports a non-zero exit and death by signal", "[process]") {
  CHECK(run_one(shell("exit 3")).exit_code == 3);
  CHECK(run_one(shell("kill -TERM $$")).exit_code == -15);
}

TEST_CASE("runner timeout kills the command and its grandchild", "[process]") {
  auto out = run_one(shell("sleep 30 & echo $!; sleep 30", 300ms));
  CHECK(out.timed_out);
  CHECK(out.exit_code == -9);
  CHECK(out.duration_ms < 1500);
  long grandchild = std::stol(out.stdout_text);
  CHECK(gone_within(grandchild, 1s));
  CHECK(no_children_left());
}

TEST_CASE("runner waits for a grandchild holding stdout, up to the timeout", "[process]") {
  auto out = run_one(shell("sleep 30 & echo $!; exit 0", 300ms));
  CHECK(out.timed_out);  // the leader exited, but its output never ended
  CHECK(out.exit_code == 0);
  CHECK(gone_within(std::stol(out.stdout_text), 1s));
}

TEST_CASE("runner kills a grandchild still holding stdout 2 s after the leader exits",
          "[process]") {
  auto out = run_one(shell("sleep 30 & echo $!; exit 0", 10s));
  CHECK_FALSE(out.timed_out);  // the one-shot timeout (here 10 s) is not what ends it
  CHECK(out.exit_code == 0);
  CHECK(out.duration_ms < 5000);
  CHECK(gone_within(std::stol(out.stdout_text), 1s));
}

TEST_CASE("runner kills a background child left in the group once the command ends", "[process]") {
  // The child does not hold stdout: the command ends when the shell exits.
  auto out = run_one(shell("sleep 300 >/dev/null 2>&1 & echo $!", 10s));
  CHECK_FALSE(out.timed_out);
  CHECK(out.exit_code == 0);
  CHECK(gone_within(std::stol(out.stdout_text), 20s));
  CHECK(no_children_left());
}

TEST_CASE("runner stops reading and kills the command past the stdout cap", "[process]") {
  RunSpec over = shell("head -c 5000 /dev/zero; sleep 30");
  over.stdout_cap = 1000;
  auto out = run_one(over);
  CHECK(out.overflow);
  CHECK_FALSE(out.timed_out);
  CHECK(out.stdout_text.size() == 1000);
  CHECK(out.exit_code == -9);
  CHECK(out.duration_ms < 1500);

  RunSpec exact = shell("head -c 1000 /dev/zero");
  exact.stdout_cap = 1000;
  auto fits = run_one(exact);
  CHECK_FALSE(fits.overflow);
  CHECK(fits.stdout_text.size() == 1000);
}

TEST_CASE("runner without kill_on_overflow runs on and keeps the last bytes", "[process]") {
  RunSpec spec = shell("head -c 300000 /dev/zero | tr '\\0' x; echo; echo 'ALERT the end'");
  spec.stdout_cap = 100;
  spec.kill_on_overflow = false;
  auto out = run_one(spec);
  CHECK(out.exit_code == 0);
  CHECK_FALSE(out.overflow);
  CHECK(out.stdout_text.size() == 100);
  CHECK(out.stdout_text.ends_with("\nALERT the end\n"));
}

TEST_CASE("runner turns a missing executable into a spawn error", "[process]") {
  RunSpec spec;
  spec.argv = {"opsd-no-such-command"};
  spec.timeout = 1s;
  auto out = run_one(spec);
  CHECK(out.spawn_error.find("`opsd-no-such-command`") != std::string::npos);
  CHECK(out.exit_code == -1);
  CHECK(out.stdout_text.empty());
}

TEST_CASE("runner turns a bad working directory into a spawn error", "[process]") {
  RunSpec spec = shell("echo never");
  spec.cwd = "/nonexistent/opsd-dir";
  auto out = run_one(spec);
  CHECK(out.spawn_error.find("/nonexistent/opsd-dir") != std::string::npos);
  CHECK(out.stdout_text.empty());
}

TEST_CASE("runner reports an exec failure and reaps the failed child", "[process]") {
  TempDir dir("opsd-run");
  std::ofstream(dir.path + "/noshebang") << "\x7f"
                                         << "ELF garbage";
  std::filesystem::permissions(dir.path + "/noshebang", std::filesystem::perms::owner_all);
  RunSpec spec;
  spec.argv = {dir.path + "/noshebang"};
  spec.timeout = 1s;
  auto out = run_one(spec);
  CHECK(out.spawn_error.find("Exec format error") != std::string::npos);
  CHECK(no_children_left());
}

TEST_CASE("runner also appends the output to the job log", "[process]") {
  TempDir dir("opsd-run");
  RunSpec spec = shell("echo to-out; echo to-err >&2");
  spec.log_path = dir.path + "/logs/job.log";
  auto out = run_one(spec);
  REQUIRE(out.exit_code == 0);
  std::string log = slurp(spec.log_path);
  CHECK(log.find("to-out\n") != std::string::npos);
  CHECK(log.find("to-err\n") != std::string::npos);
}

TEST_CASE("runner runs at most max_concurrent commands, the rest in FIFO order", "[process]") {
  TempDir dir("opsd-run");
  std::string events = dir.path + "/events";
  boost::asio::io_context io;
  CommandRunner runner(io.get_executor(), 2);
  // Job 1 is short, so job 3 starts well before job 4 (which waits for job 2 or 3).
  const char* naps[] = {"0.05", "0.4", "0.4", "0.05"};
  std::vector<int> finished;
  for (int i = 0; i < 4; ++i) {
    std::ostringstream script;
    script << "echo start " << i + 1 << " >> " << events << "; sleep " << naps[i] << "; echo end "
           << i + 1 << " >> " << events;
    runner.run(shell(script.str()), [&finished, i](CommandOutput o) {
      CHECK(o.exit_code == 0);
      finished.push_back(i + 1);
    });
  }
  CHECK(runner.queued() == 2);
  REQUIRE(run_until(
      io, [&] { return finished.size() == 4; }, 3s));
  CHECK(runner.running() == 0);

  std::istringstream lines(slurp(events));
  std::string what;
  int job = 0;
  int in_flight = 0;
  int peak = 0;
  std::vector<int> starts;
  while (lines >> what >> job) {
    in_flight += what == "start" ? 1 : -1;
    peak = std::max(peak, in_flight);
    if (what == "start") starts.push_back(job);
  }
  CHECK(peak == 2);
  CHECK(in_flight == 0);
  // Jobs 1 and 2 start together (either may write first); 3 and 4 wait for a slot in order.
  REQUIRE(starts.size() == 4);
  CHECK(std::min(starts[0], starts[1]) == 1);
  CHECK(std::max(starts[0], starts[1]) == 2);
  CHECK(starts[2] == 3);
  CHECK(starts[3] == 4);
}

TEST_CASE("destroying the runner kills running commands without calling back", "[process]") {
  boost::asio::io_context io;
  bool called = false;
  {
    CommandRunner runner(io.get_executor());
    runner.run(shell("sleep 30"), [&](CommandOutput) { called = true; });
    io.run_for(100ms);
    REQUIRE(runner.running() == 1);
  }
  run_until(
      io, [] { return false; }, 300ms);
  CHECK_FALSE(called);
  CHECK(no_children_left());
}

TEST_CASE("commands inherit only stdin, stdout and stderr, and leak no descriptors", "[process]") {
  auto open_fds = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                         std::filesystem::directory_iterator{});
  };
  (void)run_one(shell("true"));  // the first spawn opens the launcher's context (spawn.cpp), once
  auto before = open_fds();
  // ls opens the directory it lists as the lowest free descriptor: 3 when nothing leaked.
  auto out = run_one(shell("exec ls /proc/self/fd"));
  CHECK(out.stdout_text == "0\n1\n2\n3\n");
  CHECK(open_fds() == before);
}
