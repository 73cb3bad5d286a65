#include "service/sd_notify.hpp"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>

using namespace opsd;

namespace {

// A datagram socket bound in a fresh temp dir: what systemd listens on.
struct NotifySocket {
  NotifySocket() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "opsd-sd-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    path = dir + "/notify";
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof(addr.sun_path));
    std::memcpy(addr.sun_path, path.data(), path.size());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  }
  ~NotifySocket() {
    ::close(fd);
    std::filesystem::remove_all(dir);
  }
  // The next datagram ("" when none is queued).
  std::string receive() const {
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  std::string dir, path;
  int fd = -1;
};

}  // namespace

TEST_CASE("notify sends one datagram per call to the socket", "[sd_notify]") {
  NotifySocket sock;
  SdNotifier sd(sock.path, std::nullopt);
  REQUIRE(sd.enabled());
  CHECK(sd.notify("READY=1\nSTATUS=2 jobs: 2 running"));
  CHECK(sd.notify("WATCHDOG=1"));
  CHECK(sock.receive() == "READY=1\nSTATUS=2 jobs: 2 running");
  CHECK(sock.receive() == "WATCHDOG=1");
  CHECK(sock.receive().empty());
}

TEST_CASE("without NOTIFY_SOCKET the notifier is disabled and sends nothing", "[sd_notify]") {
  SdNotifier sd("", std::nullopt);
  CHECK_FALSE(sd.enabled());
  CHECK_FALSE(sd.notify("READY=1"));
  CHECK_FALSE(sd.watchdog_interval_ms());
}

TEST_CASE("a socket that nobody listens on is a failed notify, not a crash", "[sd_notify]") {
  SdNotifier sd("/nonexistent-dir/notify", std::nullopt);
  CHECK_FALSE(sd.notify("READY=1"));
}

TEST_CASE("the watchdog interval is half of WATCHDOG_USEC", "[sd_notify]") {
  CHECK(SdNotifier("", 30'000'000).watchdog_interval_ms() == 15'000);
  CHECK(SdNotifier("", 1'000).watchdog_interval_ms() == 1);  // at least 1 ms
  CHECK_FALSE(SdNotifier("", 0).watchdog_interval_ms());
}

TEST_CASE("RELOADING carries a current CLOCK_MONOTONIC time in microseconds", "[sd_notify]") {
  NotifySocket sock;
  SdNotifier sd(sock.path, std::nullopt);
  std::int64_t before = monotonic_usec();
  REQUIRE(sd.notify_reloading());
  std::int64_t after = monotonic_usec();
  std::string msg = sock.receive();
  const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
  REQUIRE(msg.starts_with(prefix));
  std::int64_t usec = std::stoll(msg.substr(prefix.size()));
  CHECK(usec >= before);
  CHECK(usec <= after);
}

TEST_CASE("the environment is read once and can be removed for children", "[sd_notify]") {
  NotifySocket sock;
  ::setenv("NOTIFY_SOCKET", sock.path.c_str(), 1);
  ::setenv("WATCHDOG_USEC", "2000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  SdNotifier sd;
  SdNotifier::unset_environment();
  CHECK(std::getenv("NOTIFY_SOCKET") == nullptr);
  CHECK(std::getenv("WATCHDOG_USEC") == nullptr);
  CHECK(std::getenv("WATCHDOG_PID") == nullptr);
  CHECK(sd.watchdog_interval_ms() == 1000);
  CHECK(sd.notify("READY=1"));
  CHECK(sock.receive() == "READY=1");
}

TEST_CASE("a watchdog meant for another process is ignored", "[sd_notify]") {
  ::setenv("WATCHDOG_USEC", "2000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
  SdNotifier sd;
  SdNotifier::unset_environment();
  CHECK_FALSE(sd.watchdog_interval_ms());
}

TEST_CASE("the notifier hands its service-manager variables to a re-executed image",
          "[service][reexec]") {
  CHECK(SdNotifier("", std::nullopt).environment().empty());
  CHECK(SdNotifier("/run/systemd/notify", 30'000'000).environment() ==
        std::vector<std::string>{"NOTIFY_SOCKET=/run/systemd/notify", "WATCHDOG_USEC=30000000"});
  CHECK(SdNotifier("@abstract", std::nullopt).environment() ==
        std::vector<std::string>{"NOTIFY_SOCKET=@abstract"});
}
