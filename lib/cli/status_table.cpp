#include "cli/status_table.hpp"

#include <boost/json.hpp>
#include <sstream>
#include <vector>

#include "util/time_format.hpp"

namespace opsd {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxProgressWidth = 32;

std::string str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return "";
  if (it->value().is_string()) return std::string(it->value().as_string());
  return json::serialize(it->value());
}

std::string age_of(const json::object& o, std::string_view key, TimeMs now) {
  std::string iso = str(o, key);
  if (iso.empty()) return "-";
  Result<TimeMs> t = parse_iso8601(iso);
  if (!t) return "-";
  return format_age(std::max<TimeMs>(now - *t, 0)) + " ago";
}

std::string probe_health(const json::object& job) {
  auto it = job.find("probe");
  if (it == job.end() || !it->value().is_object()) return "-";
  const json::object& p = it->value().as_object();
  std::string ok = str(p, "ok");
  if (ok.empty()) return "-";
  if (ok == "true") return "ok";
  std::string failures = str(p, "consecutiveFailures");
  return "FAIL x" + failures + ": " + str(p, "error");
}

std::string render_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& r : rows) {
    width.resize(std::max(width.size(), r.size()), 0);
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::ostringstream out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
  return out.str();
}

}  // namespace

std::string progress_summary(const json::value& progress, std::size_t max_keys) {
  if (!progress.is_object()) return "";
  std::vector<std::pair<std::string, std::string>> kv;
  for (const auto& [k, v] : progress.as_object()) {
    if (v.is_object() || v.is_array()) continue;
    kv.emplace_back(std::string(k),
                    v.is_string() ? std::string(v.as_string()) : json::serialize(v));
  }
  std::sort(kv.begin(), kv.end());
  std::string out;
  for (std::size_t i = 0; i < kv.size() && i < max_keys; ++i)
    out += (out.empty() ? "" : " ") + kv[i].first + "=" + kv[i].second;
  if (out.size() > kMaxProgressWidth) out = out.substr(0, kMaxProgressWidth - 3) + "...";
  return out;
}

std::string render_status_table(const json::object& status, TimeMs now) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"ID", "KIND", "STATE", "PID", "PROGRESS", "MOVED", "PROBE"});
  if (auto it = status.find("jobs"); it != status.end() && it->value().is_array()) {
    for (const auto& v : it->value().as_array()) {
      if (!v.is_object()) continue;
      const json::object& j = v.as_object();
      std::string state = str(j, "state");
      if (str(j, "enabled") == "false") state += " (disabled)";
      std::string pid = str(j, "pid");
      auto p = j.find("progress");
      rows.push_back({str(j, "id"), str(j, "kind"), state, pid.empty() ? "-" : pid,
                      p == j.end() ? "" : progress_summary(p->value()),
                      age_of(j, "lastProgressAt", now), probe_health(j)});
    }
  }
  std::string out = render_table(rows);
  if (auto it = status.find("queue"); it != status.end() && it->value().is_array()) {
    std::size_t pending = 0, running = 0;
    for (const auto& q : it->value().as_array()) {
      if (!q.is_object()) continue;
      std::string s = str(q.as_object(), "status");
      pending += s == "pending";
      running += s == "running";
    }
    if (pending + running > 0)
      out += "queue: " + std::to_string(running) + " running, " + std::to_string(pending) +
             " pending\n";
  }
  if (auto it = status.find("outbox"); it != status.end() && it->value().is_object()) {
    const json::object& o = it->value().as_object();
    std::string pending = str(o, "pending"), err = str(o, "lastError");
    if (pending != "0" || !err.empty())
      out += "outbox: " + pending + " pending" + (err.empty() ? "" : "; last error: " + err) + "\n";
  }
  if (auto it = status.find("approvals"); it != status.end() && it->value().is_array()) {
    for (const auto& a : it->value().as_array())
      if (a.is_object())
        out += "approval: " + str(a.as_object(), "jobId") + " until " +
               str(a.as_object(), "expiresAt") + "\n";
  }
  return out;
}

}  // namespace opsd
