#include "engine/job_report.hpp"

#include "engine/report_text.hpp"

namespace opsd {

ReportSection job_section(const Job& job) {
  ReportSection s;
  s.job_id = job.id;
  s.name = job.name.empty() ? job.id : job.name;
  s.kind = job.kind;
  return s;
}

std::string status_class(const JobRuntime& rt) {
  if (rt.completed) return "completed";
  if (rt.state == JobState::stopping) return "stopping";
  if (rt.running) return "running";
  if (rt.state == JobState::starting) return "starting";
  if (rt.state == JobState::stopped && rt.user_stopped) return "stopped";
  return "paused";
}

namespace {

// Status lines read the same in both locales (report_text.hpp).
constexpr std::string_view kStatusLocale = "en";

std::string status_line(const JobRuntime& rt) {
  const std::string cls = status_class(rt);
  if (cls == "completed") return std::string(text(Text::status_completed, kStatusLocale));
  if (cls == "running" && rt.pid)
    return text(Text::status_running_pid, kStatusLocale, {std::to_string(*rt.pid)});
  if (cls == "paused" && !rt.stop_reason.empty())
    return text(Text::status_paused_reason, kStatusLocale, {rt.stop_reason});
  return cls;
}

bool probe_failing(const JobRuntime& rt) {
  return !rt.probe.ok && rt.probe.consecutive_failures > 0;
}

}  // namespace

ReportSection long_job_section(const Job& job, const JobRuntime& rt) {
  ReportSection s = job_section(job);
  s.state = status_line(rt);
  if (probe_failing(rt)) {
    s.info = text(Text::status_probe_failed, kStatusLocale, {rt.probe.error});
  } else if (rt.state == JobState::stalled) {
    const std::string stall =
        text(Text::stalled_for, kStatusLocale, {std::to_string(job.policy.stall_seconds)});
    s.info = rt.message.empty() ? stall : rt.message + " (" + stall + ")";
  } else {
    s.info = rt.message;
  }
  s.progress_json = rt.progress_json;
  return s;
}

std::string anomaly_key(const JobRuntime& rt) {
  if (!rt.probe.ok && rt.probe.consecutive_failures >= kProbeFailuresBeforeAlert) return "probe";
  switch (rt.state) {
    case JobState::given_up:
      return "given_up";
    case JobState::stalled:
      return "stalled:" + rt.progress_key;
    case JobState::stopping:  // a restart on stall is still the stall until the job runs again
      if (rt.restart_on_stall) return "stalled:" + rt.progress_key;
      break;
    case JobState::failed:
      return "paused:" + rt.stop_reason + "|" + rt.message;  // a new message alerts again
    default:
      break;
  }
  if (rt.level == "alert") return "level:" + rt.message;
  return "";
}

std::string anomaly_action(const Job& job, const JobRuntime& rt, const std::string& locale) {
  const std::string key = anomaly_key(rt);
  if (key == "probe")
    return text(Text::probe_failing_action, locale,
                {std::to_string(rt.probe.consecutive_failures)});
  if (key == "given_up")
    return text(Text::given_up_action, locale,
                {std::to_string(job.policy.max_auto_resumes), job.id});
  if (key.starts_with("stalled:"))
    return text(Text::stalled_action, locale, {std::to_string(job.policy.stall_seconds)});
  if (key.starts_with("paused:")) return std::string(text(Text::paused_action, locale));
  return "";
}

std::string recovery_info(std::string_view last_key, const std::string& locale) {
  Text t = Text::recovered;
  if (last_key == "probe") t = Text::recovered_probe;
  if (last_key.starts_with("stalled:")) t = Text::recovered_progress;
  if (last_key.starts_with("level:")) t = Text::recovered_alert;
  return std::string(text(t, locale));
}

bool needs_attention(std::string_view output) {
  return output.find("ACTION REQUIRED") != std::string_view::npos ||
         output.find("ALERT") != std::string_view::npos;
}

}  // namespace opsd
