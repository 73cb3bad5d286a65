#include "engine/job_report.hpp"

#include "notify/utf8.hpp"

namespace opsd {

std::string tr(const std::string& locale, std::string_view zh, std::string_view en) {
  return std::string(locale == "en" ? en : zh);
}

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

std::string status_line(const JobRuntime& rt) {
  const std::string cls = status_class(rt);
  if (cls == "completed") return "completed ✅";
  if (cls == "running") return rt.pid ? "running (pid=" + std::to_string(*rt.pid) + ")" : "running";
  if (cls == "paused" && !rt.stop_reason.empty()) return "paused stopReason=" + rt.stop_reason;
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
    s.info = "status probe failed: " + rt.probe.error;
  } else if (rt.state == JobState::stalled) {
    const std::string stall = "stalled >= " + std::to_string(job.policy.stall_seconds) + "s";
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
    return tr(locale, "状态命令连续失败 ", "the status command failed ") +
           std::to_string(rt.probe.consecutive_failures) +
           tr(locale, " 次，请检查 commands.status", " times in a row: check commands.status");
  if (key == "given_up")
    return tr(locale, "自动恢复已放弃（1 小时内 ", "auto-resume gave up (") +
           std::to_string(job.policy.max_auto_resumes) +
           tr(locale, " 次），检查后运行 opsctl start ",
              " attempts within 1h): check, then run opsctl start ") +
           job.id;
  if (key.starts_with("stalled:"))
    return tr(locale, "任务停滞，请检查（", "no progress: check the job (") +
           std::to_string(job.policy.stall_seconds) + tr(locale, "s 无进展）", "s unchanged)");
  if (key.starts_with("paused:"))
    return tr(locale, "需要你确认下一步（或启用 autoResume）",
              "decide the next step (or enable autoResume)");
  return "";
}

std::string recovery_info(std::string_view last_key, const std::string& locale) {
  if (last_key == "probe") return tr(locale, "✅ 状态探测已恢复", "✅ status probe recovered");
  if (last_key.starts_with("stalled:")) return tr(locale, "✅ 进度恢复", "✅ progress moves again");
  if (last_key.starts_with("level:")) return tr(locale, "✅ 告警解除", "✅ alert cleared");
  return tr(locale, "✅ 已恢复", "✅ recovered");
}

std::string clip_utf8(std::string_view s, std::size_t max_bytes) {
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  if (s.size() <= max_bytes) return utf8_valid(s);
  return "…" + utf8_valid(utf8_last_bytes(s, max_bytes));
}

bool needs_attention(std::string_view output) {
  return output.find("ACTION REQUIRED") != std::string_view::npos ||
         output.find("ALERT") != std::string_view::npos;
}

}  // namespace opsd
