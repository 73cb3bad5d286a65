#include "state/legacy_fields.hpp"

#include <array>
#include <cmath>
#include <span>

#include <boost/json.hpp>

#include "state/state_fields.hpp"
#include "util/json_writer.hpp"

namespace opsd::state_detail {

namespace json = boost::json;

namespace {

// The original's per-job keys opsd keeps as read, and its top-level ones.
constexpr std::array<std::string_view, 6> kKeptJobKeys = {
    "lastRun", "lastRunAt", "lastStart", "lastManualStartAt", "lastStop", "lastStopAt"};
constexpr std::array<std::string_view, 1> kKeptTopKeys = {"lastConfigErrorAt"};

// Above this a time number is milliseconds (1e11 s is the year 5138).
constexpr double kMsThreshold = 1e11;

json::value seconds_value(TimeMs t) { return json::value(static_cast<double>(t) / 1000.0); }

void put_time(json::object& o, std::string_view key, TimeMs t) {
  if (t > 0) o[key] = seconds_value(t);
}

json::value string_or_null(const std::string& s, const json::storage_ptr& sp) {
  return s.empty() ? json::value(nullptr, sp) : json::value(s, sp);
}

void append_text_or_null(std::string& out, const std::string& s) {
  if (s.empty())
    out += "null";
  else
    JsonWriter::append_quoted(out, s);
}

// The status class the original's lastSeen stands for (engine/job_report.hpp's status_class):
// what it had reported. A completion counts only once reportedCompleted.
std::string reported_class(bool running, bool completed, bool reported_completed) {
  if (completed) return reported_completed ? "completed" : "";
  return running ? "running" : "paused";
}

std::string kept_fields(const json::object& o, std::span<const std::string_view> keys) {
  json::object kept;
  for (std::string_view k : keys)
    if (const json::value* v = field(o, k)) kept[k] = *v;
  return kept.empty() ? std::string() : json::serialize(kept);
}

void put_kept(const std::string& kept, json::object& o) {
  if (kept.empty()) return;
  json::error_code ec;
  json::value v = json::parse(kept, ec);
  if (ec || !v.is_object()) return;
  for (const auto& kv : v.get_object())
    if (!o.contains(kv.key())) o[kv.key()] = kv.value();
}

}  // namespace

bool written_by_opsd(const json::object& top) {
  const json::value* marker = field(top, kOpsdUpdatedAt);
  const json::value* updated = field(top, "updatedAt");
  return marker && updated && *marker == *updated;
}

TimeMs legacy_time(const json::object& o, std::string_view key) {
  const json::value* v = field(o, key);
  if (!v) return 0;
  double n = 0;
  if (v->is_double())
    n = v->get_double();
  else if (v->is_int64())
    n = static_cast<double>(v->get_int64());
  else if (v->is_uint64())
    n = static_cast<double>(v->get_uint64());
  else
    return time_value(*v);  // an ISO 8601 string
  if (!std::isfinite(n) || n <= 0 || n > 9e15) return 0;
  return n > kMsThreshold ? static_cast<TimeMs>(std::llround(n))
                          : static_cast<TimeMs>(std::llround(n * 1000.0));
}

std::string legacy_anomaly_key(const JobRuntime& j) {
  std::string out = "{\"completed\": ";
  out += j.completed ? "true" : "false";
  out += ", \"level\": ";
  append_text_or_null(out, j.level);
  out += ", \"message\": ";
  append_text_or_null(out, j.message);
  out += ", \"progressKey\": ";
  append_text_or_null(out, j.progress_key);
  out += ", \"running\": ";
  out += j.running ? "true" : "false";
  out += ", \"stopReason\": ";
  append_text_or_null(out, j.stop_reason);
  out += "}";
  return out;
}

std::string anomaly_key_from_legacy(std::string_view canonical) {
  json::error_code ec;
  json::value v = json::parse(canonical, ec);
  const json::object* k = ec ? nullptr : v.if_object();
  if (!k) return "";
  const std::string level = get_string(*k, "level");
  const std::string message = get_string(*k, "message");
  const bool running = get_bool(*k, "running");
  const bool completed = get_bool(*k, "completed");
  if (!running && !completed) return "paused:" + get_string(*k, "stopReason") + "|" + message;
  if (level == "alert") return "level:" + message;
  if (running) return "stalled:" + get_string(*k, "progressKey");
  return "level:" + message;
}

void encode_legacy_job(const JobRuntime& j, json::object& o, const json::storage_ptr& sp) {
  o["lastSeen"] = json::object({{"running", j.running},
                                {"completed", j.completed},
                                {"progressKey", string_or_null(j.progress_key, sp)},
                                {"stopReason", string_or_null(j.stop_reason, sp)}},
                               sp);
  if (!j.progress_key.empty()) o["lastProgressKey"] = j.progress_key;
  put_time(o, "lastProgressAt", j.last_progress_at);
  put_time(o, "lastReportAt", j.last_report_at);
  if (j.completed) {
    o["reportedCompleted"] =
        j.last_report_digest.starts_with("completed|") || j.last_report_digest == "completed";
  }
  if (!j.last_anomaly_key.empty()) o["lastAnomalyKey"] = legacy_anomaly_key(j);
  put_time(o, "lastAnomalyReportAt", j.last_alert_at);
  put_time(o, "lastAutoResumeAt", j.last_auto_resume_at);
  put_kept(j.legacy_json, o);
}

void decode_legacy_job(const json::object& o, bool original_last, JobRuntime& j) {
  j.last_progress_at = legacy_time(o, "lastProgressAt");
  j.last_report_at = legacy_time(o, "lastReportAt");
  j.last_alert_at = legacy_time(o, "lastAnomalyReportAt");
  j.last_auto_resume_at = legacy_time(o, "lastAutoResumeAt");
  j.legacy_json = kept_fields(o, kKeptJobKeys);
  // opsd's files before this layout kept opsd's own anomaly key under lastAnomalyKey.
  const std::string legacy_key = get_string(o, "lastAnomalyKey");
  if (j.last_anomaly_key.empty() && !legacy_key.empty() && !legacy_key.starts_with("{"))
    j.last_anomaly_key = legacy_key;

  const json::object* seen = object_at(o, "lastSeen");
  if (!original_last || !seen) return;
  j.running = get_bool(*seen, "running");
  j.completed = get_bool(*seen, "completed");
  j.progress_key = get_string(*seen, "progressKey");
  if (j.progress_key.empty()) j.progress_key = get_string(o, "lastProgressKey");
  j.stop_reason = get_string(*seen, "stopReason");
  j.last_report_progress_key = j.progress_key;
  const std::string cls = reported_class(j.running, j.completed, get_bool(o, "reportedCompleted"));
  if (!j.last_report_digest.starts_with(cls + "|") || cls.empty())
    j.last_report_digest = cls.empty() ? "" : cls + "|";
  j.last_anomaly_key = legacy_key.starts_with("{") ? anomaly_key_from_legacy(legacy_key) : "";
  if (j.last_anomaly_key.empty()) j.last_alert_at = 0;
  j.stalled_since = 0;
  j.state = j.completed ? JobState::completed : j.running ? JobState::running : JobState::stopped;
}

void encode_legacy_queue_item(const QueueItem& q, json::object& o, const json::storage_ptr& sp) {
  o["status"] =
      q.status == QueueStatus::skipped ? std::string_view("blocked") : to_string(q.status);
  put_time(o, "createdAt", q.enqueued_at);
  o["notBefore"] = seconds_value(q.not_before);
  o["reason"] = json::value(q.source, sp);
  o["attempt"] = q.started_at > 0 ? 1 : 0;
  o["lastError"] = json::value(
      q.status == QueueStatus::failed || q.status == QueueStatus::skipped ? q.note : "", sp);
}

std::string legacy_top_fields(const json::object& top) { return kept_fields(top, kKeptTopKeys); }

void encode_legacy_top(const std::string& kept, json::object& top) { put_kept(kept, top); }

}  // namespace opsd::state_detail
