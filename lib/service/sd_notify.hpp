// The sd_notify protocol (systemd): datagrams to $NOTIFY_SOCKET. A no-op when it is unset,
// so the same binary runs under launchd, in a terminal and in tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace opsd {

class SdNotifier {
 public:
  // Reads NOTIFY_SOCKET and WATCHDOG_USEC (honouring WATCHDOG_PID) from the environment.
  SdNotifier();
  bool enabled() const { return !socket_path_.empty(); }
  // Sends `state` ("READY=1", "STATUS=...", ...); returns false when not delivered.
  bool notify(std::string_view state) const;
  // Interval at which WATCHDOG=1 must be sent (half of WATCHDOG_USEC), if a watchdog is set.
  std::optional<std::int64_t> watchdog_interval_ms() const { return watchdog_ms_; }

 private:
  std::string socket_path_;
  std::optional<std::int64_t> watchdog_ms_;
};

}  // namespace opsd
