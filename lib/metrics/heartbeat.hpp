// The dead-man's switch (notify.heartbeat), as pure decisions: which URL to ping, and how a
// URL shows in logs and status. The timer and the HTTP request are in heartbeat_loop.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "state/state.hpp"

namespace opsd {

// An outbox message older than this means delivery is stuck.
inline constexpr TimeMs kOutboxStuckAfter = 10 * 60 * 1000;

struct HeartbeatVerdict {
  bool fail = false;   // ping <url>/fail instead of <url>
  std::string reason;  // why it fails ("" when not), e.g. "job scan: alert unresolved"
};

// Fails while opsd has an unresolved alert: an enabled long_running_read job whose alert
// (stalled, given up, paused after a crash, status probe failing, or level "alert") was sent
// and not yet followed by its recovery notice (JobRuntime::last_anomaly_key non-empty); or
// while the outbox holds a message created more than kOutboxStuckAfter before `now`.
HeartbeatVerdict heartbeat_verdict(const Config& config, const State& state,
                                   const OutboxState& outbox, TimeMs now);

// A heartbeat URL split for the request. Only http:// and https://.
struct PingUrl {
  bool tls = true;
  std::string host;    // IPv6 without brackets
  std::string port;    // "443" / "80" unless given
  std::string target;  // path and query, "/" at least
};
std::optional<PingUrl> parse_ping_url(std::string_view url);

// `url` with "/fail" appended to its path (before any query): the healthchecks convention.
std::string fail_url(std::string_view url);

// What may be logged of a URL: scheme, host and port; the path and query (where the check's
// secret is) become "/<redacted>". "https://hc-ping.com/<redacted>".
std::string redact_url(std::string_view url);

}  // namespace opsd
