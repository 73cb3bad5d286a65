#include "engine/exit_report.hpp"

#include "engine/backoff.hpp"

#include <algorithm>

#include "engine/job_report.hpp"
#include "engine/report_text.hpp"
#include "engine/resume_policy.hpp"
#include "util/output_tail.hpp"
#include "util/run_time_format.hpp"
#include "util/signal_name.hpp"

namespace opsd {

namespace {

// The crash and completion texts in both locales. They are not yet rows of report_text's table:
// each is a sentence built around run-time values, kept here beside the code that fills them.
std::string tr(const std::string& locale, std::string_view zh, std::string_view en) {
  return std::string(locale == "en" ? en : zh);
}

int attempts_in_window(const JobRuntime& rt, TimeMs now) {
  int n = 0;
  for (TimeMs t : rt.auto_resume_times)
    if (now - t < kResumeWindow) ++n;
  return n;
}

std::string attempt_text(int k, int n, const std::string& locale) {
  return tr(locale, "第 ", "attempt ") + std::to_string(k) + tr(locale, "/", " of ") +
         std::to_string(n) + tr(locale, " 次（1 小时内）", " within 1h");
}

}  // namespace

std::string exit_name(const std::optional<int>& code, int signal) {
  if (code) return "exit " + std::to_string(*code);
  return signal ? signal_name(signal) : "exit ?";
}

ExitRecord exit_record_of(const ExitInfo& info, TimeMs now) {
  ExitRecord e;
  e.at = now;
  if (!info.code_known) {
    // Neither a code nor a signal: unknown (crash_section says so).
  } else if (info.code < 0) {
    e.signal = -info.code;
  } else {
    e.code = info.code;
  }
  e.runtime_ms = info.runtime_ms;
  e.log_tail = output_tail(info.log_tail, kMaxLogTailInReport,
                           CutMark::ellipsis);  // valid UTF-8 for the state file
  return e;
}

ReportSection crash_section(const Job& job, const JobRuntime& rt, const ExitRecord& e, TimeMs now,
                            const std::string& locale) {
  ReportSection s = long_job_section(job, rt);
  const std::string how =
      e.code     ? tr(locale, "退出码 ", "exit code ") + std::to_string(*e.code)
      : e.signal ? tr(locale, "被信号杀死 ", "killed by ") + exit_name(e.code, e.signal)
                 : std::string(text(Text::exit_code_unknown, locale));
  s.state = tr(locale, "💥 进程意外结束（", "💥 crashed (") + how +
            tr(locale, "，运行了 ", ", after ") + format_run_time(e.runtime_ms) +
            tr(locale, "）", ")");
  const std::string tail = output_tail(e.log_tail, kMaxLogTailInReport, CutMark::ellipsis);
  s.info = tail.empty() ? tr(locale, "日志为空", "its log is empty")
                        : tr(locale, "日志最后几行:\n", "last log lines:\n") + tail;
  const int n = job.policy.max_auto_resumes;
  const int k = attempts_in_window(rt, now);
  switch (rt.state) {
    case JobState::starting:
      s.autorun = tr(locale, "已自动恢复（", "resumed now (") + attempt_text(k, n, locale) +
                  tr(locale, "）", ")");
      break;
    case JobState::backoff: {
      const TimeMs at = next_resume_at(job, rt);
      const std::int64_t in_s = std::max<TimeMs>(0, at - now + 999) / 1000;
      s.autorun = tr(locale, "将在 ", "resuming in ") + std::to_string(in_s) +
                  tr(locale, " 秒后自动恢复（", " s (") + attempt_text(k + 1, n, locale) +
                  tr(locale, "）", ")");
      break;
    }
    case JobState::given_up:
      s.autorun = tr(locale, "已放弃自动恢复（1 小时内 ", "given up (") + std::to_string(n) +
                  tr(locale, " 次）", " attempts within 1h)");
      s.action_required =
          tr(locale, "检查后运行 opsctl start ", "check it, then run opsctl start ") + job.id;
      break;
    default:
      s.autorun = tr(locale, "已暂停（未自动恢复）", "paused (no auto-resume)");
      s.action_required = tr(locale, "需要手动运行 opsctl start ", "needs opsctl start ") + job.id;
      break;
  }
  return s;
}

std::string completion_note(const ExitRecord& e, const std::string& locale) {
  return tr(locale, "用时 ", "took ") + format_run_time(e.runtime_ms);
}

JobRun run_record_of(const OneShotResult& r, std::uint64_t number, std::string source,
                     TimeMs started_at, TimeMs now) {
  JobRun rec;
  rec.number = number;
  rec.source = std::move(source);
  rec.duration_ms = std::max<TimeMs>(0, r.duration_ms);
  rec.ended_at = now;
  rec.started_at = started_at ? started_at : now - rec.duration_ms;
  if (r.error.empty()) {
    if (r.exit_code < 0)
      rec.signal = -r.exit_code;
    else
      rec.exit_code = r.exit_code;
  }
  rec.timed_out = r.timed_out;
  rec.timeout_seconds = r.timeout_seconds;
  for (const std::string& m : r.markers) rec.markers.push_back(output_tail(m, m.size()));
  rec.stdout_tail = output_tail(r.stdout_tail, kRunTailBytes, CutMark::ellipsis);
  rec.stderr_tail = output_tail(r.error.empty() ? r.stderr_tail : r.stderr_tail + "\n" + r.error,
                                kRunTailBytes, CutMark::ellipsis);
  rec.ok = rec.exit_code == 0 && !rec.timed_out && r.marker_count == 0 &&
           !needs_attention(r.stdout_tail) && !needs_attention(r.stderr_tail);
  return rec;
}

std::string run_state_line(const JobRun& r, std::int64_t timeout_seconds) {
  const std::string took = format_run_time(r.duration_ms);
  if (r.timed_out)
    return "timed out after " + std::to_string(timeout_seconds) + "s (killed, ran " + took + ")";
  if (!r.exit_code && !r.signal) return "did not run";
  if (!r.exit_code) return "killed by " + exit_name(r.exit_code, r.signal) + " after " + took;
  const std::string code = "(exit=" + std::to_string(*r.exit_code) + ")";
  return (*r.exit_code == 0 ? "done " : "failed ") + code + " in " + took;
}

std::string run_output_text(const OneShotResult& r) {
  std::string tail = r.stdout_tail;
  if (!r.stderr_tail.empty()) tail += "\n" + r.stderr_tail;
  if (!r.error.empty()) tail += "\n" + r.error;
  if (r.timed_out) tail += "\ntimed out after " + std::to_string(r.timeout_seconds) + "s";
  const std::string whole = output_tail(tail, kMaxOutputInReport, CutMark::ellipsis);
  // Every matching line is in the quoted end already: quoted once.
  if (r.marker_count == r.markers.size() &&
      std::all_of(r.markers.begin(), r.markers.end(), [&](const std::string& m) {
        return whole.find(output_tail(m, m.size())) != std::string::npos;
      }))
    return whole;
  std::string out;
  for (const std::string& m : r.markers) out += output_tail(m, m.size()) + "\n";
  if (r.marker_count > r.markers.size())
    out += "(+" + std::to_string(r.marker_count - r.markers.size()) + " more)\n";
  return out + "…\n" + output_tail(tail, kMaxOutputInReport / 2, CutMark::ellipsis);
}

}  // namespace opsd
