#include "cli/run_cells.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "util/run_time_format.hpp"
#include "util/time_format.hpp"

namespace opsd {

namespace json = boost::json;

namespace {

const json::object* object_of(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

std::string string_of(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

std::int64_t int_of(const json::object& o, std::string_view key, std::int64_t def) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_int64() ? it->value().as_int64() : def;
}

bool true_at(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_bool() && it->value().as_bool();
}

std::string ago(const json::object& o, std::string_view key, TimeMs now) {
  Result<TimeMs> t = parse_iso8601(string_of(o, key));
  if (!t) return "";
  return format_age(std::max<TimeMs>(now - *t, 0)) + " ago";
}

// "ok", "exit 4", "timeout", "SIGKILL", "not run".
std::string outcome(const json::object& run) {
  if (true_at(run, "timedOut")) return "timeout";
  const std::int64_t code = int_of(run, "exitCode", -1);
  const std::string sig = string_of(run, "signal");
  if (code == 0) return true_at(run, "ok") ? "ok" : "exit 0 !";
  if (code > 0) return "exit " + std::to_string(code);
  return sig.empty() ? "not run" : sig;
}

}  // namespace

std::string last_run_cell(const json::object& job, TimeMs now) {
  if (const json::object* run = object_of(job, "lastRun")) {
    std::string cell = outcome(*run);
    if (std::string a = ago(*run, "endedAt", now); !a.empty()) cell += " " + a;
    return cell + " " + format_run_time(int_of(*run, "durationMs", 0));
  }
  if (const json::object* e = object_of(job, "lastExit")) {
    const std::int64_t code = int_of(*e, "code", -1);
    std::string cell = code >= 0 ? "exit " + std::to_string(code) : string_of(*e, "signal");
    if (std::string a = ago(*e, "at", now); !a.empty()) cell += " " + a;
    return cell + " " + format_run_time(int_of(*e, "runtimeMs", 0));
  }
  return "-";
}

std::string render_run_history(const json::object& job) {
  auto it = job.find("runs");
  if (it == job.end() || !it->value().is_array() || it->value().as_array().empty()) return "";
  std::string out = "runs of " + string_of(job, "id") + ":\n";
  const json::array& runs = it->value().as_array();
  for (auto r = runs.rbegin(); r != runs.rend(); ++r) {
    if (!r->is_object()) continue;
    const json::object& run = r->as_object();
    std::string line = "  #" + std::to_string(int_of(run, "number", 0)) + " " + outcome(run);
    line += "  " + string_of(run, "endedAt") + "  " + format_run_time(int_of(run, "durationMs", 0));
    line += "  " + string_of(run, "source");
    if (std::string chain = string_of(run, "chain"); !chain.empty()) line += "  chain=" + chain;
    if (std::string m = string_of(run, "marker"); !m.empty()) line += "  " + m;
    out += line + "\n";
  }
  return out;
}

}  // namespace opsd
