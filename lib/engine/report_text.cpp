#include "engine/report_text.hpp"

#include <array>
#include <cstddef>

namespace opsd {

namespace {

struct Entry {
  Text id;
  std::string_view zh;
  std::string_view en;
};

// Indexed by Text: entry i has id i (table_complete below).
constexpr std::array kTable = {
    Entry{Text::header, "🛠️ Ops 快报", "🛠️ Ops report"},
    Entry{Text::time_open, "（", " ("},
    Entry{Text::time_close, "）", ")"},
    Entry{Text::label_status, "状态", "Status"},
    Entry{Text::label_info, "信息", "Info"},
    Entry{Text::label_progress, "进度", "Progress"},
    Entry{Text::label_estimate, "预计", "Estimate"},
    Entry{Text::time_left, "剩余约 {}", "about {} left"},

    Entry{Text::status_completed, "completed ✅", "completed ✅"},
    Entry{Text::status_running_pid, "running (pid={})", "running (pid={})"},
    Entry{Text::status_paused_reason, "paused stopReason={}", "paused stopReason={}"},
    Entry{Text::status_probe_failed, "status probe failed: {}", "status probe failed: {}"},
    Entry{Text::stalled_for, "stalled >= {}s", "stalled >= {}s"},
    Entry{Text::probe_failing_action, "状态命令连续失败 {} 次，请检查 commands.status",
          "the status command failed {} times in a row: check commands.status"},
    Entry{Text::given_up_action, "自动恢复已放弃（1 小时内 {} 次），检查后运行 opsctl start {}",
          "auto-resume gave up ({} attempts within 1h): check, then run opsctl start {}"},
    Entry{Text::stalled_action, "任务停滞，请检查（{}s 无进展）",
          "no progress: check the job ({}s unchanged)"},
    Entry{Text::paused_action, "需要你确认下一步（或启用 autoResume）",
          "decide the next step (or enable autoResume)"},
    Entry{Text::recovered_probe, "✅ 状态探测已恢复", "✅ status probe recovered"},
    Entry{Text::recovered_progress, "✅ 进度恢复", "✅ progress moves again"},
    Entry{Text::recovered_alert, "✅ 告警解除", "✅ alert cleared"},
    Entry{Text::recovered, "✅ 已恢复", "✅ recovered"},
    Entry{Text::exit_code_unknown, "退出码未知：该进程由重启后的 opsd 重新接管",
          "exit code unknown: the process was re-adopted by a restarted opsd"},
    Entry{Text::autorun_blocked, "blocked (risk != read_only)", "blocked (risk != read_only)"},
    Entry{Text::autorun_backoff, "suppressed (backoff {}s)", "suppressed (backoff {}s)"},
    Entry{Text::autorun_resumed_after_cooldown, "resumed after the give-up cooldown",
          "resumed after the give-up cooldown"},
    Entry{Text::autorun_resumed, "resumed (attempt {}/{} within 1h)",
          "resumed (attempt {}/{} within 1h)"},
    Entry{Text::autorun_given_up, "given up ({} attempts within 1h); retried after a 1h cooldown",
          "given up ({} attempts within 1h); retried after a 1h cooldown"},
    Entry{Text::autorun_stall_restarting,
          "停滞后重启：先停止，再从检查点恢复（1 小时内第 {}/{} 次）",
          "restarting after the stall: stopping it, then resuming from its checkpoint (attempt "
          "{}/{} within 1h)"},
    Entry{Text::autorun_stall_restarted, "停滞后已重启，从检查点恢复（1 小时内第 {}/{} 次）",
          "restarted after the stall, from its checkpoint (attempt {}/{} within 1h)"},
    Entry{Text::autorun_stall_restart_capped, "停滞后未重启（1 小时内已达 {} 次）",
          "not restarted after the stall ({} attempts within 1h reached)"},
    Entry{Text::one_shot_done, "done (exit=0)", "done (exit=0)"},
    Entry{Text::one_shot_failed, "failed (exit={})", "failed (exit={})"},

    Entry{Text::queue_item_skipped, "skipped ({})", "skipped ({})"},
    Entry{Text::queued_job_refused, "队列任务被拒绝：{}", "queued job refused: {}"},
    Entry{Text::after_chain_state, "after-chain", "after-chain"},
    Entry{Text::after_not_enqueued, "after 任务未入队：{}", "after-chain not enqueued: {}"},

    Entry{Text::write_refused_state, "refused (not run)", "refused (not run)"},
    Entry{Text::approval_needed_action, "需要批准：opsctl approve {}",
          "approve with 'opsctl approve {}'"},
    Entry{Text::write_failed_state, "❌ write failed (exit={})", "❌ write failed (exit={})"},
    Entry{Text::write_failed_action, "写任务失败，请检查", "the write failed: check it"},
    Entry{Text::verification_still_runs, "（验证仍会运行：{}）", " (verification still runs: {})"},
    Entry{Text::write_done_state, "write done (exit=0)", "write done (exit=0)"},
    Entry{Text::awaiting_verification, "等待验证: {}", "awaiting verification: {}"},
    Entry{Text::verified_state, "✅ verified ({})", "✅ verified ({})"},
    Entry{Text::verification_failed_state, "❌ verification failed ({})",
          "❌ verification failed ({})"},
    Entry{Text::verification_failed_action, "写入后验证失败，请检查",
          "verification after the write failed: check it"},
    Entry{Text::unverified_state, "write done (exit=0), unverified",
          "write done (exit=0), unverified"},
    Entry{Text::unverified_action, "没有可运行的验证任务，请手动验证",
          "no verification could run: verify by hand"},
    Entry{Text::write_outcome_unknown_state, "❌ write outcome unknown", "❌ write outcome unknown"},
    Entry{Text::write_outcome_unknown_note, "❌ write outcome unknown ({})",
          "❌ write outcome unknown ({})"},
    Entry{Text::check_write_action, "请检查写任务是否已生效",
          "check whether the write took effect"},
    Entry{Text::verification_info, "验证: {}", "verification: {}"},

    Entry{Text::reload_refused_action, "修正 {} 后运行 'opsctl reload'",
          "fix {} then run 'opsctl reload'"},
    Entry{Text::config_invalid_state, "ops-jobs config invalid", "ops-jobs config invalid"},
    Entry{Text::config_invalid_info, "{}：\n{}", "{}:\n{}"},
    Entry{Text::config_runs_last_good, "opsd 使用上一次有效的配置（{}）",
          "opsd runs the last good config ({})"},
    Entry{Text::config_runs_none, "没有可用的有效配置：opsd 不运行任何任务",
          "no good config is known: opsd runs no jobs"},
    Entry{Text::config_fix_applies, "修正 {}，保存后自动生效", "fix {}: it applies when saved"},
    Entry{Text::crash_loop_state, "crash loop", "crash loop"},
    Entry{Text::crash_loop_info,
          "{} 次非正常启动（{} 分钟内；崩溃、kill -9 或看门狗中止），自动启动已关闭",
          "{} unclean starts within {} minutes (crash, kill -9 or watchdog abort); automatic job "
          "starts are off"},
    Entry{Text::crash_loop_action,
          "查看 opsd 的日志，用 'opsctl start' 手动启动任务，然后正常重启 opsd 以恢复自动启动",
          "read opsd's log, start jobs by hand with 'opsctl start', then restart opsd cleanly to "
          "turn automatic starts back on"},
    Entry{Text::state_corrupt_state, "state file corrupt", "state file corrupt"},
    Entry{Text::state_corrupt_info, "{}；已移至 {}", "{}; moved aside to {}"},
    Entry{Text::state_corrupt_action, "请检查被隔离的文件；opsd 以空状态启动",
          "inspect the quarantined file; opsd started with empty state"},
    Entry{Text::state_not_saved_state, "state not saved", "state not saved"},
    Entry{Text::state_not_saved_info, "无法写入 {}：{}", "cannot write {}: {}"},
    Entry{Text::state_not_saved_action, "请释放磁盘空间或修正权限；上一次完好的状态已保留",
          "free disk space or fix permissions; the last good state is kept"},
    Entry{Text::state_saved_again_state, "state saved again", "state saved again"},
    Entry{Text::state_saved_again_info, "{} 又可以写入了；所有改动都已在磁盘上",
          "writing {} works again; every change is on disk"},
    Entry{Text::state_large_state, "state file large", "state file large"},
    Entry{Text::state_large_info,
          "状态文件有 {} MiB，超过 opsd 启动时读取上限 {} MiB 的一半（配置了 {} 个任务）",
          "the state file is {} MiB, over half of the {} MiB that opsd reads at start ({} jobs "
          "configured)"},
    Entry{Text::state_large_action, "请删除不需要的任务，或检查 {}",
          "remove jobs that are not needed, or inspect {}"},
};

}  // namespace

std::string_view text(Text t, std::string_view locale) {
  const Entry& e = kTable[static_cast<std::size_t>(t)];
  return locale == "en" ? e.en : e.zh;
}

std::string text(Text t, std::string_view locale, std::initializer_list<std::string_view> args) {
  const std::string_view pattern = text(t, locale);
  std::string out;
  out.reserve(pattern.size() + 32);
  auto arg = args.begin();
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    const std::size_t hole = pattern.find("{}", pos);
    if (hole == std::string_view::npos || arg == args.end()) {
      out += pattern.substr(pos);
      break;
    }
    out += pattern.substr(pos, hole - pos);
    out += *arg++;
    pos = hole + 2;
  }
  return out;
}

// Every Text has its entry, in enumeration order; a mistake fails to compile here.
constexpr bool table_complete() {
  for (std::size_t i = 0; i < kTable.size(); ++i)
    if (static_cast<std::size_t>(kTable[i].id) != i) return false;
  return kTable.size() == static_cast<std::size_t>(Text::state_large_action) + 1;
}
static_assert(table_complete());

}  // namespace opsd
