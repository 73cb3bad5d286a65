#include "cli/status_table.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <vector>

#include "cli/run_cells.hpp"
#include "util/time_format.hpp"

namespace opsd {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxProgressWidth = 32;

// A scalar as text: strings unquoted, integers and booleans without a serializer.
std::string text_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "";
    case json::kind::string:
      return std::string(v.get_string());
    case json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    case json::kind::int64: {
      char buf[24];
      return std::string(buf, std::to_chars(buf, buf + sizeof buf, v.get_int64()).ptr);
    }
    case json::kind::uint64: {
      char buf[24];
      return std::string(buf, std::to_chars(buf, buf + sizeof buf, v.get_uint64()).ptr);
    }
    case json::kind::double_: {
      char buf[32];  // shortest form that reads back the same: 1.5, not 1.5E0
      return std::string(buf, std::to_chars(buf, buf + sizeof buf, v.get_double()).ptr);
    }
    default:
      return json::serialize(v);
  }
}

std::string str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? "" : text_of(it->value());
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

constexpr std::size_t kColumns = 8;
using Row = std::array<std::string, kColumns>;

// Columns padded to their widest cell plus two spaces; no trailing spaces.
std::string render_table(const std::vector<Row>& rows) {
  std::array<std::size_t, kColumns> width{};
  std::size_t total = 0;
  for (const Row& r : rows)
    for (std::size_t i = 0; i < kColumns; ++i) width[i] = std::max(width[i], r[i].size());
  for (std::size_t w : width) total += w + 2;
  std::string out;
  out.reserve(rows.size() * total);
  for (const Row& r : rows) {
    const std::size_t start = out.size();
    for (std::size_t i = 0; i < kColumns; ++i) {
      out += r[i];
      if (i + 1 < kColumns) out.append(width[i] - r[i].size() + 2, ' ');
    }
    while (out.size() > start && out.back() == ' ') out.pop_back();
    out += '\n';
  }
  return out;
}

}  // namespace

std::string progress_summary(const json::value& progress, std::size_t max_keys) {
  if (!progress.is_object()) return "";
  std::vector<std::pair<std::string_view, const json::value*>> kv;
  kv.reserve(progress.as_object().size());
  for (const auto& [k, v] : progress.as_object()) {
    if (v.is_object() || v.is_array()) continue;
    kv.emplace_back(k, &v);
  }
  std::sort(kv.begin(), kv.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (std::size_t i = 0; i < kv.size() && i < max_keys; ++i) {
    if (!out.empty()) out += ' ';
    out += kv[i].first;
    out += '=';
    out += kv[i].second->is_null() ? "null" : text_of(*kv[i].second);
  }
  if (out.size() > kMaxProgressWidth) out = out.substr(0, kMaxProgressWidth - 3) + "...";
  return out;
}

std::string render_status_table(const json::object& status, TimeMs now) {
  std::vector<Row> rows;
  rows.push_back({"ID", "KIND", "STATE", "PID", "PROGRESS", "MOVED", "PROBE", "LAST RUN"});
  if (auto it = status.find("jobs"); it != status.end() && it->value().is_array()) {
    rows.reserve(1 + it->value().as_array().size());
    for (const auto& v : it->value().as_array()) {
      if (!v.is_object()) continue;
      const json::object& j = v.as_object();
      std::string state = str(j, "state");
      if (str(j, "enabled") == "false") state += " (disabled)";
      std::string pid = str(j, "pid");
      auto p = j.find("progress");
      rows.push_back(Row{str(j, "id"), str(j, "kind"), std::move(state),
                         pid.empty() ? "-" : std::move(pid),
                         p == j.end() ? "" : progress_summary(p->value()),
                         age_of(j, "lastProgressAt", now), probe_health(j), last_run_cell(j, now)});
    }
  }
  std::string out = render_table(rows);
  if (auto it = status.find("jobs"); it != status.end() && it->value().is_array())
    for (const auto& v : it->value().as_array())
      if (v.is_object()) out += render_run_history(v.as_object());
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
