#include "process/log_relay.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "process_test_support.hpp"

using namespace process_test;

namespace {

// Writes `data` into a pipe from another thread and relays the read end into `path`.
opsd::Status relay(const std::string& data, const std::string& path) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::thread writer([&] {
    std::string_view rest = data;
    while (!rest.empty()) {
      ssize_t n = ::write(fds[1], rest.data(), rest.size());
      if (n <= 0) break;
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    ::close(fds[1]);
  });
  opsd::Status st;
  {
    opsd::LogWriter log(path);
    st = opsd::relay_stream(fds[0], log);
  }
  writer.join();
  ::close(fds[0]);
  return st;
}

}  // namespace

TEST_CASE("the relay logs what follows its header with the header's secrets redacted",
          "[process][relay]") {
  TempDir dir("opsd-relay");
  auto header = opsd::relay_header({"s3cr3t-token", "", "other"});
  REQUIRE(header);
  const std::string path = dir.path + "/job.log";
  REQUIRE(relay(*header + "line 1 s3cr3t-token\nline 2 oth" + "er\n", path));
  CHECK(slurp(path) == "line 1 <redacted>\nline 2 <redacted>\n");
}

TEST_CASE("the relay header refuses what it cannot carry", "[process][relay]") {
  CHECK_FALSE(opsd::relay_header({std::string("a\0b", 3)}));
  CHECK_FALSE(opsd::relay_header({std::string(opsd::kMaxRelayHeader + 1, 'x')}));
  auto none = opsd::relay_header({});
  REQUIRE(none);
  CHECK(*none == "0\n");
}

TEST_CASE("a malformed header logs nothing but still reads the pipe to its end",
          "[process][relay]") {
  TempDir dir("opsd-relay");
  const std::string path = dir.path + "/job.log";
  // More than a pipe holds: a relay that stopped reading would block the writer for good.
  auto st = relay("x9\n" + std::string(200 * 1024, 'a'), path);
  CHECK_FALSE(st);
  CHECK(slurp(path).empty());
}

TEST_CASE("the hidden mode answers only to its flag", "[process][relay]") {
  int code = -1;
  char prog[] = "opsd";
  char flag[] = "--log-relay";
  char other[] = "--version";
  char* not_relay[] = {prog, other, nullptr};
  CHECK_FALSE(opsd::run_log_relay(2, not_relay, code));
  char* bad_usage[] = {prog, flag, nullptr};
  CHECK(opsd::run_log_relay(2, bad_usage, code));
  CHECK(code == 2);
}
