#include "metrics/heartbeat.hpp"

namespace opsd {

namespace {

struct Split {
  std::string_view scheme;     // "https://"
  std::string_view authority;  // host[:port]
  std::string_view path;       // "" or "/..."
  std::string_view query;      // "" or "?..."
};

std::optional<Split> split(std::string_view url) {
  Split s;
  if (url.starts_with("https://")) {
    s.scheme = url.substr(0, 8);
  } else if (url.starts_with("http://")) {
    s.scheme = url.substr(0, 7);
  } else {
    return std::nullopt;
  }
  std::string_view rest = url.substr(s.scheme.size());
  rest = rest.substr(0, rest.find('#'));
  std::size_t end = rest.find_first_of("/?");
  s.authority = rest.substr(0, end);
  if (s.authority.empty()) return std::nullopt;
  if (end == std::string_view::npos) return s;
  rest = rest.substr(end);
  std::size_t q = rest.find('?');
  s.path = rest.substr(0, q);
  if (q != std::string_view::npos) s.query = rest.substr(q);
  return s;
}

}  // namespace

HeartbeatVerdict heartbeat_verdict(const Config& config, const State& state,
                                   const OutboxState& outbox, TimeMs now) {
  for (const Job& j : config.jobs) {
    if (!j.enabled || j.kind != JobKind::long_running_read) continue;
    auto it = state.jobs.find(j.id);
    if (it != state.jobs.end() && !it->second.last_anomaly_key.empty())
      return {true, "job " + j.id + ": alert unresolved (" +
                        std::string(to_string(it->second.state)) + ")"};
  }
  for (const OutboxItem& m : outbox.items) {
    if (now - m.created_at > kOutboxStuckAfter)
      return {true, "outbox stuck: a message waits since " +
                        std::to_string((now - m.created_at) / 60000) + " min"};
  }
  return {};
}

std::optional<PingUrl> parse_ping_url(std::string_view url) {
  std::optional<Split> s = split(url);
  if (!s) return std::nullopt;
  PingUrl p;
  p.tls = s->scheme == "https://";
  std::string_view a = s->authority;
  if (a.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view port;
  if (a.front() == '[') {
    std::size_t close = a.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    p.host = std::string(a.substr(1, close - 1));
    if (close + 1 < a.size()) {
      if (a[close + 1] != ':') return std::nullopt;
      port = a.substr(close + 2);
    }
  } else {
    std::size_t colon = a.find(':');
    p.host = std::string(a.substr(0, colon));
    if (colon != std::string_view::npos) port = a.substr(colon + 1);
  }
  if (p.host.empty()) return std::nullopt;
  if (!port.empty() && port.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  p.port = port.empty() ? (p.tls ? "443" : "80") : std::string(port);
  p.target = std::string(s->path.empty() ? "/" : s->path) + std::string(s->query);
  return p;
}

std::string fail_url(std::string_view url) {
  std::optional<Split> s = split(url);
  if (!s) return std::string(url) + "/fail";
  std::string_view path = s->path;
  while (path.ends_with('/')) path.remove_suffix(1);
  return std::string(s->scheme) + std::string(s->authority) + std::string(path) + "/fail" +
         std::string(s->query);
}

std::string redact_url(std::string_view url) {
  std::optional<Split> s = split(url);
  if (!s) return "<redacted URL>";
  std::string out = std::string(s->scheme) + std::string(s->authority);
  if (s->authority.find('@') != std::string_view::npos) out = std::string(s->scheme) + "<redacted>";
  if (!s->path.empty() || !s->query.empty()) out += "/<redacted>";
  return out;
}

}  // namespace opsd
