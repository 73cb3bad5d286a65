#include "cli/status_table.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <vector>

#include "cli/display_width.hpp"
#include "cli/run_cells.hpp"
#include "cli/table_fit.hpp"
#include "engine/progress_text.hpp"
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

// "in 5m" for a time still ahead, "due" once it has come, "-" when there is none.
std::string until_of(const json::object& o, std::string_view key, TimeMs now) {
  std::string iso = str(o, key);
  if (iso.empty()) return "-";
  Result<TimeMs> t = parse_iso8601(iso);
  if (!t) return "-";
  return *t <= now ? "due" : "in " + format_age(*t - now);
}

// "schedule: every 2s; last run: 2026-03-29T01:00:00Z (5s ago); next run: ... (in 1s)".
std::string schedule_line(const json::object& j, TimeMs now) {
  std::string last = str(j, "lastRunAt"), next = str(j, "nextRunAt");
  return "schedule: " + str(j, "schedule") + "; last run: " +
         (last.empty() ? "never" : last + " (" + age_of(j, "lastRunAt", now) + ")") +
         "; next run: " +
         (next.empty() ? "none" : next + " (" + until_of(j, "nextRunAt", now) + ")") + "\n";
}

// " MUTED until 14:20" (local time) for a job with a `muted` object, else "".
std::string muted_marker(const json::object& job) {
  auto it = job.find("muted");
  if (it == job.end() || !it->value().is_object()) return "";
  Result<TimeMs> until = parse_iso8601(str(it->value().as_object(), "until"));
  return until ? " MUTED until " + local_hms(*until).substr(0, 5) : " MUTED";
}

constexpr std::size_t kColumns = 10;
using Row = std::array<std::string, kColumns>;
constexpr std::size_t kGap = 2;  // spaces between columns
enum Column : std::size_t {
  kId,
  kKind,
  kState,
  kPid,
  kProgress,
  kEta,
  kMoved,
  kNext,
  kProbe,
  kLast
};

// A progress cell that is a bar: "[####------] 42%", never cut.
constexpr std::size_t kBarCells = 10;
bool is_bar(std::string_view cell) {
  return cell.size() > kBarCells + 1 && cell[0] == '[' && cell[kBarCells + 1] == ']' &&
         cell.substr(1, kBarCells).find_first_not_of("#-") == std::string_view::npos;
}

// What gives way when a table is wider than the terminal, in order, while it is: probe health
// and last run narrowed, a progress summary narrowed (a bar stays whole), kind and pid left out,
// state narrowed, last run left out, the id narrowed, then next, moved and probe left out. ID,
// STATE, PROGRESS and ETA always stay.
std::vector<FitStep> fit_steps(std::size_t progress_floor) {
  return {{kProbe, 8},       {kLast, 8},       {kProgress, progress_floor},
          {kKind, 0, true},  {kPid, 0, true},  {kState, 7},
          {kLast, 0, true},  {kId, 8},         {kNext, 0, true},
          {kMoved, 0, true}, {kProbe, 0, true}};
}

// Column widths and which columns are shown: the widest cell of each, fitted to `max_width`
// (0: no limit) with fit_steps.
TableFit column_widths(const std::vector<Row>& rows, std::size_t max_width) {
  std::vector<std::size_t> width(kColumns, 0);
  std::size_t bar = 0;
  for (const Row& r : rows) {
    for (std::size_t i = 0; i < kColumns; ++i) width[i] = std::max(width[i], display_width(r[i]));
    if (is_bar(r[kProgress])) bar = std::max(bar, display_width(r[kProgress]));
  }
  return fit_columns(width, kGap, max_width, fit_steps(std::max<std::size_t>(8, bar)));
}

// Shown columns padded by display width to their width plus two spaces, cells wider than their
// column cut with "…"; no trailing spaces.
std::string render_table(const std::vector<Row>& rows, std::size_t max_width) {
  const TableFit fit = column_widths(rows, max_width);
  std::string out;
  for (const Row& r : rows) {
    const std::size_t start = out.size();
    for (std::size_t i = 0; i < kColumns; ++i) {
      if (!fit.shown[i]) continue;
      std::size_t w = display_width(r[i]);
      if (w <= fit.width[i]) {
        out += r[i];
      } else {
        const std::string cut = fit_width(r[i], fit.width[i]);
        w = display_width(cut);
        out += cut;
      }
      out.append(fit.width[i] - w + kGap, ' ');
    }
    while (out.size() > start && out.back() == ' ') out.pop_back();
    out += '\n';
  }
  return out;
}

// "[####------] 42%" from progressRatio, else the progress summary ("" without progress).
std::string progress_cell(const json::object& j) {
  if (auto r = j.find("progressRatio"); r != j.end() && r->value().is_number()) {
    const double ratio = r->value().to_number<double>();
    return "[" + progress_bar(ratio, kBarCells) + "] " + format_percent(ratio);
  }
  auto p = j.find("progress");
  return p == j.end() ? "" : progress_summary(p->value());
}

// Time left until etaAt ("1h12m"; "0s" once it has passed), "-" when unknown.
std::string eta_cell(const json::object& j, TimeMs now) {
  std::string iso = str(j, "etaAt");
  if (iso.empty()) return "-";
  Result<TimeMs> t = parse_iso8601(iso);
  if (!t) return "-";
  return format_age(std::max<TimeMs>(*t - now, 0));
}

// `line` cut to `max_width` display columns (0: no limit), plus a newline.
std::string summary_line(const std::string& line, std::size_t max_width) {
  return (max_width == 0 ? line : fit_width(line, max_width)) + "\n";
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
  return fit_width(out, kMaxProgressWidth);
}

std::string render_status_table(const json::object& status, TimeMs now, std::size_t max_width) {
  std::vector<Row> rows;
  rows.push_back(
      {"ID", "KIND", "STATE", "PID", "PROGRESS", "ETA", "MOVED", "NEXT", "PROBE", "LAST RUN"});
  std::string schedules;
  if (auto it = status.find("jobs"); it != status.end() && it->value().is_array()) {
    const bool one_job = it->value().as_array().size() == 1;
    rows.reserve(1 + it->value().as_array().size());
    for (const auto& v : it->value().as_array()) {
      if (!v.is_object()) continue;
      const json::object& j = v.as_object();
      std::string state = str(j, "state");
      if (str(j, "enabled") == "false") state += " (disabled)";
      if (str(j, "adopted") == "true") state += " (adopted)";
      state += muted_marker(j);
      std::string pid = str(j, "pid");
      rows.push_back(
          Row{str(j, "id"), str(j, "kind"), std::move(state), pid.empty() ? "-" : std::move(pid),
              progress_cell(j), eta_cell(j, now), age_of(j, "lastProgressAt", now),
              until_of(j, str(j, "nextResumeAt").empty() ? "nextRunAt" : "nextResumeAt", now),
              probe_health(j), last_run_cell(j, now)});
      if (one_job && !str(j, "schedule").empty()) schedules += schedule_line(j, now);
    }
  }
  std::string out = render_table(rows, max_width) + schedules;
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
      out += summary_line(
          "queue: " + std::to_string(running) + " running, " + std::to_string(pending) + " pending",
          max_width);
  }
  if (auto it = status.find("outbox"); it != status.end() && it->value().is_object()) {
    const json::object& o = it->value().as_object();
    std::string pending = str(o, "pending"), err = str(o, "lastError");
    if (pending != "0" || !err.empty())
      out += summary_line(
          "outbox: " + pending + " pending" + (err.empty() ? "" : "; last error: " + err),
          max_width);
  }
  if (auto it = status.find("daemon"); it != status.end() && it->value().is_object()) {
    if (std::string hb = str(it->value().as_object(), "heartbeat"); !hb.empty())
      out += "heartbeat: " + hb + "\n";
  }
  if (auto it = status.find("config"); it != status.end() && it->value().is_object()) {
    const json::object& c = it->value().as_object();
    if (str(c, "ok") == "false") {
      const std::string running = str(c, "running");
      out += summary_line(
          "config: " + str(c, "path") + " is invalid; " +
              (running == "none" ? std::string("running no jobs")
                                 : "running the last good config (" + str(c, "lastGood") + ")"),
          max_width);
      if (auto e = c.find("errors"); e != c.end() && e->value().is_array())
        for (const auto& v : e->value().as_array())
          if (v.is_string()) out += summary_line("  " + std::string(v.as_string()), max_width);
    }
  }
  if (auto it = status.find("approvals"); it != status.end() && it->value().is_array()) {
    for (const auto& a : it->value().as_array())
      if (a.is_object())
        out += summary_line("approval: " + str(a.as_object(), "jobId") + " until " +
                                str(a.as_object(), "expiresAt"),
                            max_width);
  }
  return out;
}

}  // namespace opsd
