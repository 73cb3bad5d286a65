// Boost.Process 1.81 uses Asio's throw_error without including it.
#include <boost/asio/detail/throw_error.hpp>
//
#include "process/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

using opsd::ChildProcess;
using opsd::SpawnSpec;

namespace {

// Runs `argv` with stdout and stderr on a pipe; returns everything it wrote once it exited.
std::string output_of(std::vector<std::string> argv, std::string cwd = "") {
  boost::asio::io_context io;
  auto pipe = opsd::make_pipe();
  REQUIRE(pipe);
  SpawnSpec spec{std::move(argv), std::move(cwd), {}, pipe->write_end.get(), pipe->write_end.get()};
  auto child = opsd::spawn_in_group(io.get_executor(), spec);
  REQUIRE(child);
  pipe->write_end.reset();
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipe->read_end.get(), buf, sizeof buf)) > 0;) out.append(buf, n);
  child->wait();
  return out;
}

// The signal mask after `field:` in /proc/<pid>/status text (bit n-1 is signal n), without
// signals 32 and 33: glibc reserves them for itself and posix_spawn leaves them ignored.
unsigned long long signal_mask(const std::string& status, const std::string& field) {
  auto at = status.find(field + ":");
  REQUIRE(at != std::string::npos);
  auto mask = std::stoull(status.substr(at + field.size() + 1), nullptr, 16);
  return mask & ~((1ULL << 31) | (1ULL << 32));
}

}  // namespace

TEST_CASE("a spawned child leads its own process group", "[spawn]") {
  boost::asio::io_context io;
  SpawnSpec spec{{"/bin/sleep", "5"}, "", {}, -1, -1};
  auto child = opsd::spawn_in_group(io.get_executor(), spec);
  REQUIRE(child);
  auto pid = static_cast<pid_t>(child->id());
  CHECK(::getpgid(pid) == pid);
  CHECK(::getpgid(pid) != ::getpgid(0));
  ::kill(-pid, SIGKILL);
  child->wait();
}

TEST_CASE("a spawned child starts with no signal ignored or blocked by the daemon", "[spawn]") {
  struct sigaction old_usr1 {};
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  REQUIRE(::sigaction(SIGUSR1, &ignore, &old_usr1) == 0);
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR2);
  REQUIRE(::pthread_sigmask(SIG_BLOCK, &block, &old_mask) == 0);

  std::string status = output_of({"/bin/cat", "/proc/self/status"});

  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGUSR1, &old_usr1, nullptr);
  CHECK(signal_mask(status, "SigIgn") == 0);
  CHECK(signal_mask(status, "SigBlk") == 0);
}

TEST_CASE("a relative name with a slash is found from the child's working directory", "[spawn]") {
  // /bin/../bin/pwd from "/": exec'ed as written after the chdir.
  CHECK(output_of({"./bin/pwd"}, "/") == "/\n");
}

TEST_CASE("a spawned child sees a descriptor leaked without O_CLOEXEC as closed", "[spawn]") {
  int leaked = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC on purpose
  REQUIRE(leaked >= 0);
  std::string fds = output_of({"/bin/ls", "/proc/self/fd"});
  ::close(leaked);
  // ls opens the directory it lists as the lowest free descriptor: 3 when nothing leaked.
  CHECK(fds == "0\n1\n2\n3\n");
}
