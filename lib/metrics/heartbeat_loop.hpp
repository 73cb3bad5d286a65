// The heartbeat's timer: pings notify.heartbeat.url (or <url>/fail, heartbeat.hpp) at start and
// then every everySeconds, from the event loop, one ping at a time, never blocking anything
// else. A failing ping is logged (URL redacted) and counted in HeartbeatCounters; it is never
// queued as a message and not retried before the next interval.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "config/config.hpp"
#include "metrics/heartbeat.hpp"
#include "metrics/metrics_counters.hpp"
#include "metrics/ping_client.hpp"
#include "util/clock.hpp"

namespace opsd {

struct HeartbeatHooks {
  std::function<HeartbeatConfig()> config;    // the current notify.heartbeat (follows reloads)
  std::function<HeartbeatVerdict()> verdict;  // decided just before each ping
  std::function<void()> changed;              // after each ping's result (status, textfile)
};

class HeartbeatLoop {
 public:
  // `client`, `counters` and `clock` must outlive the loop. `tick` is the interval unit:
  // everySeconds * tick between pings (1 s in opsd; shorter in tests).
  HeartbeatLoop(boost::asio::any_io_executor ex, PingClient& client, HeartbeatCounters& counters,
                const Clock& clock, HeartbeatHooks hooks,
                std::chrono::milliseconds tick = std::chrono::seconds(1));
  ~HeartbeatLoop();
  HeartbeatLoop(const HeartbeatLoop&) = delete;
  HeartbeatLoop& operator=(const HeartbeatLoop&) = delete;

  // Pings now (when a URL is configured), then every interval.
  void start();
  // After a reload: a changed URL or interval pings now and restarts the schedule; a removed
  // URL stops pinging.
  void reconfigure();
  void stop();

  // One line for `status`: "ok at 2026-12-01T17:20:00Z (https://host/<redacted>)", "failing:
  // ...", "" when no heartbeat is configured.
  std::string describe() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace opsd
