#include "engine/report_policy.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace opsd {

namespace {

// FNV-1a, 64 bit: stable across compilers, unlike std::hash.
void fnv1a(std::uint64_t& h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= 0xff;  // field separator
  h *= 1099511628211ULL;
}

}  // namespace

TimeMs reminder_interval(const Policy& policy) {
  return seconds(std::max<std::int64_t>(900, policy.report_every_seconds));
}

std::string report_digest(std::string_view status_class, const ReportSection& s) {
  std::uint64_t h = 14695981039346656037ULL;
  fnv1a(h, s.state);
  fnv1a(h, s.info);
  fnv1a(h, s.progress_json);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string(status_class) + "|" + hex;
}

std::string_view digest_class(std::string_view digest) {
  auto bar = digest.find('|');
  return bar == std::string_view::npos ? digest : digest.substr(0, bar);
}

ReportKind decide_report(const JobRuntime& rt, const Policy& policy, const ReportInput& in,
                         TimeMs now) {
  if (!in.anomaly_key.empty()) {
    if (in.anomaly_key != rt.last_anomaly_key) return ReportKind::alert;
    if (now - rt.last_alert_at >= reminder_interval(policy)) return ReportKind::reminder;
    return ReportKind::none;
  }
  if (!rt.last_anomaly_key.empty()) return ReportKind::recovery;
  if (in.quiet) return ReportKind::none;
  if (digest_class(rt.last_report_digest) != in.status_class) return ReportKind::routine;
  if (!in.running || !policy.report_while_running) return ReportKind::none;
  if (now - rt.last_report_at >= seconds(std::max<std::int64_t>(0, policy.report_every_seconds)))
    return ReportKind::routine;
  if (policy.only_on_change && in.progress_key != rt.last_report_progress_key)
    return ReportKind::routine;
  return ReportKind::none;
}

void record_report(JobRuntime& rt, const ReportInput& in, ReportKind kind, TimeMs now) {
  if (kind == ReportKind::none) return;
  rt.last_report_digest = in.digest;
  rt.last_report_at = now;
  rt.last_report_progress_key = in.progress_key;
  if (is_alert(kind)) {
    rt.last_anomaly_key = in.anomaly_key;
    rt.last_alert_at = now;
  } else if (kind == ReportKind::recovery) {
    rt.last_anomaly_key.clear();
  }
}

}  // namespace opsd
