// The sd_notify protocol (systemd): datagrams to $NOTIFY_SOCKET. A no-op when it is unset,
// so the same binary runs under launchd, in a terminal and in tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opsd {

class SdNotifier {
 public:
  // Reads NOTIFY_SOCKET and WATCHDOG_USEC (ignored when WATCHDOG_PID names another process)
  // from the environment.
  SdNotifier();
  // `socket_path`: "" = disabled; a leading '@' is the abstract namespace.
  // `watchdog_usec`: the service manager's watchdog timeout in microseconds, if any.
  SdNotifier(std::string socket_path, std::optional<std::int64_t> watchdog_usec);

  bool enabled() const { return !socket_path_.empty(); }
  // Sends `state` ("READY=1", "STATUS=...", newline-separated assignments) as one datagram;
  // false when not delivered or not enabled.
  bool notify(std::string_view state) const;
  // "RELOADING=1" with MONOTONIC_USEC = CLOCK_MONOTONIC now, as systemd wants it.
  bool notify_reloading() const;
  // Interval at which WATCHDOG=1 must be sent (half of WATCHDOG_USEC, at least 1 ms), if a
  // watchdog is set.
  std::optional<std::int64_t> watchdog_interval_ms() const { return watchdog_ms_; }

  // Removes NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from this process's environment so
  // that no child (job, probe, openclaw CLI) can talk to the service manager in opsd's name.
  // Call once at startup, after constructing the notifier and before starting any thread.
  static void unset_environment();
  // NOTIFY_SOCKET= and WATCHDOG_USEC= as read at construction ("K=V"; none when unset): what an
  // execve()d next image of opsd needs to go on talking to the service manager.
  std::vector<std::string> environment() const;

 private:
  std::string socket_path_;
  std::optional<std::int64_t> watchdog_ms_;
  std::optional<std::int64_t> watchdog_usec_;
};

// CLOCK_MONOTONIC in microseconds (the clock systemd's MONOTONIC_USEC refers to).
std::int64_t monotonic_usec();

}  // namespace opsd
