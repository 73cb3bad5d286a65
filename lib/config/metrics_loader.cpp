#include "config/metrics_loader.hpp"

#include <boost/json.hpp>

#include "config/json_fields.hpp"

namespace opsd::config_detail {

namespace json = boost::json;

namespace {

bool valid_port(std::string_view p) {
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string_view::npos)
    return false;
  int n = std::stoi(std::string(p));
  return n >= 1 && n <= 65535;
}

bool loopback_host(std::string_view h) {
  return h == "localhost" || h == "::1" || h == "[::1]" || h.starts_with("127.");
}

// A string member, or nullopt (with an error unless absent/null).
std::optional<std::string> string_member(const json::object& o, std::string_view key,
                                         const std::string& path, Diagnostics& d) {
  const json::value* v = member(o, key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    d.error(path, "must be a string, got " + std::string(type_name(*v)));
    return std::nullopt;
  }
  return trim(v->get_string());
}

void check_url(const std::string& url, Diagnostics& d) {
  const std::string path = "notify.heartbeat.url";
  std::string_view rest;
  bool tls = false;
  if (url.starts_with("https://")) {
    rest = std::string_view(url).substr(8);
    tls = true;
  } else if (url.starts_with("http://")) {
    rest = std::string_view(url).substr(7);
  } else {
    d.error(path, "must start with https:// (http:// only for a loopback test server)");
    return;
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty()) {
    d.error(path, "has no host");
    return;
  }
  if (authority.find('@') != std::string_view::npos) {
    d.error(path, "must not contain user info (user@host)");
    return;
  }
  if (rest.find('#') != std::string_view::npos) {
    d.error(path, "must not contain a fragment (#...)");
    return;
  }
  std::string host(authority), port;
  if (authority.find(':') != std::string_view::npos &&
      !(authority.front() == '[' && authority.back() == ']')) {
    if (!split_host_port(authority, host, port) || !valid_port(port)) {
      d.error(path, "has an invalid port");
      return;
    }
  }
  if (!tls && !loopback_host(host))
    d.error(path, "http:// is only allowed to a loopback host; use https://");
}

}  // namespace

bool split_host_port(std::string_view s, std::string& host, std::string& port) {
  std::size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view h = s.substr(0, colon);
  port = std::string(s.substr(colon + 1));
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return false;  // an IPv6 address needs brackets
  }
  host = std::string(h);
  return !host.empty() && !port.empty();
}

MetricsConfig read_metrics(const json::value* v, Diagnostics& d) {
  MetricsConfig m;
  if (v == nullptr || v->is_null()) return m;
  if (!v->is_object()) {
    d.error("metrics", "must be an object, got " + std::string(type_name(*v)));
    return m;
  }
  const auto& o = v->get_object();
  warn_unknown_keys(o, {"listen", "textfile"}, "metrics", d);
  if (auto listen = string_member(o, "listen", "metrics.listen", d); listen && !listen->empty()) {
    std::string host, port;
    if (listen->front() == '/') {
      m.listen = *listen;
    } else if (!split_host_port(*listen, host, port)) {
      d.error("metrics.listen",
              "must be \"host:port\" (e.g. \"127.0.0.1:9478\", \"[::1]:9478\") or an absolute "
              "Unix socket path, got \"" +
                  *listen + "\"");
    } else if (!valid_port(port)) {
      d.error("metrics.listen", "port must be 1-65535, got \"" + port + "\"");
    } else {
      m.listen = *listen;
    }
  }
  if (auto file = string_member(o, "textfile", "metrics.textfile", d); file && !file->empty()) {
    if (file->front() != '/') {
      d.error("metrics.textfile", "must be an absolute path, got \"" + *file + "\"");
    } else {
      if (!file->ends_with(".prom"))
        d.warning("metrics.textfile",
                  "node_exporter's textfile collector reads only files named *.prom");
      m.textfile = *file;
    }
  }
  return m;
}

HeartbeatConfig read_heartbeat(const json::value* v, Diagnostics& d) {
  HeartbeatConfig h;
  if (v == nullptr || v->is_null()) return h;
  if (!v->is_object()) {
    d.error("notify.heartbeat",
            "must be an object {url, everySeconds}, got " + std::string(type_name(*v)));
    return h;
  }
  const auto& o = v->get_object();
  warn_unknown_keys(o, {"url", "everySeconds"}, "notify.heartbeat", d);
  const json::value* given = member(o, "url");
  auto url = string_member(o, "url", "notify.heartbeat.url", d);
  if (given == nullptr || given->is_null()) {
    d.error("notify.heartbeat.url", "is missing (the URL to ping)");
  } else if (url && url->empty()) {
    d.error("notify.heartbeat.url", "must not be empty");
  } else if (url) {
    check_url(*url, d);
    h.url = *url;
  }
  if (const json::value* e = member(o, "everySeconds"); e && !e->is_null()) {
    std::optional<std::int64_t> n = as_integer(*e);
    if (!n || *n < 1)
      d.error("notify.heartbeat.everySeconds",
              "must be a positive integer (seconds), got " + json::serialize(*e));
    else
      h.every_seconds = *n;
  }
  return h;
}

}  // namespace opsd::config_detail
