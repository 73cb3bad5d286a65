// Reading opsd's observability keys: the top-level `metrics` block and `notify.heartbeat`.
// Every error names its JSON path. config_loader.cpp reads the blocks; metrics_server.cpp
// shares split_host_port, so that the server listens on exactly what validation accepted.
#pragma once

#include <boost/json/fwd.hpp>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace opsd::config_detail {

// `metrics` (nullptr or null: none). listen: "host:port" (port 1-65535; an IPv6 host in
// brackets) or an absolute Unix socket path; textfile: an absolute path (a name not ending in
// ".prom" warns: node_exporter's textfile collector reads only *.prom).
MetricsConfig read_metrics(const boost::json::value* v, Diagnostics& d);

// `notify.heartbeat` (nullptr or null: none). url: https://, or http:// to a loopback host
// only (127.0.0.0/8, ::1, localhost), without user info or fragment; everySeconds: an
// integer >= 1 [300].
HeartbeatConfig read_heartbeat(const boost::json::value* v, Diagnostics& d);

// Splits "host:port" ("[::1]:9478" for IPv6); false when it is not of that form.
bool split_host_port(std::string_view s, std::string& host, std::string& port);

}  // namespace opsd::config_detail
