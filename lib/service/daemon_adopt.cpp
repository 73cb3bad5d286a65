// Daemon: owned children across daemon runs. After a restart (kill -9, crash) or an execve of
// opsd, jobs the state records as owned are adopted when /proc still shows the same process.
#include <spdlog/spdlog.h>

#include "process/log_writer.hpp"
#include "process/process_identity.hpp"
#include "service/daemon_impl.hpp"

namespace opsd {

namespace {

// Lines of a long job's log quoted in its crash alert.
constexpr std::size_t kCrashLogLines = 10;

ProcessIdentity job_identity(std::int64_t pid, const OwnedIdentity& o) {
  return ProcessIdentity{pid, o.pgid, static_cast<std::uint64_t>(o.start_ticks), false};
}

}  // namespace

std::set<std::string> Daemon::adopt_children() {
  std::set<std::string> adopted;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [job_id, rt] : engine_->state().jobs) {
    if (!rt.owned_pid) continue;
    const ProcessIdentity job = job_identity(*rt.owned_pid, rt.owned);
    if (!still_same_process(job)) {
      spdlog::info("job {}: recorded pid {} is not the job's process any more: not adopted", job_id,
                   *rt.owned_pid);
      continue;
    }
    std::optional<ProcessIdentity> relay;
    if (rt.owned.relay_pid > 0) {
      ProcessIdentity r{rt.owned.relay_pid, rt.owned.relay_pgid,
                        static_cast<std::uint64_t>(rt.owned.relay_start_ticks), false};
      if (still_same_process(r)) relay = r;
    }
    const auto started =
        now - std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                  std::chrono::duration<double>(process_age_seconds(job).value_or(0)));
    std::string id = job_id;
    Status st = children_->adopt(job_id, job, relay, [this, id, started](std::optional<int> code) {
      child_exited(id, code, started);
    });
    if (!st) {
      spdlog::warn("job {}: not adopted: {}", job_id, st.message());
      continue;
    }
    spdlog::info("job {}: adopted pid {} (process group {})", job_id, job.pid, job.pgid);
    adopted.insert(job_id);
  }
  return adopted;
}

void Daemon::record_identity(const std::string& job_id, std::int64_t pid) {
  std::optional<ProcessIdentity> job = read_process_identity(pid);
  if (!job) return;  // exited and reaped already, or no /proc: never adopted
  OwnedIdentity id;
  id.pgid = job->pgid;
  id.start_ticks = static_cast<std::int64_t>(job->start_ticks);
  if (std::optional<ProcessIdentity> relay = children_->relay_of(job_id)) {
    id.relay_pid = relay->pid;
    id.relay_pgid = relay->pgid;
    id.relay_start_ticks = static_cast<std::int64_t>(relay->start_ticks);
  }
  dispatch(engine_->on_child_identity(job_id, pid, id, clock_.now()));
}

void Daemon::child_exited(const std::string& job_id, std::optional<int> code,
                          std::chrono::steady_clock::time_point started) {
  if (shutting_down_) return;
  if (code)
    spdlog::info("job {}: owned child exited with {}", job_id, *code);
  else
    spdlog::info("job {}: adopted child exited (exit code unknown)", job_id);
  ExitInfo exit;
  exit.code = code.value_or(0);
  exit.code_known = code.has_value();
  if (code) metrics_.jobs[job_id].last_exit_code = *code;
  exit.runtime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
  if (Result<std::vector<std::string>> tail = tail_lines(log_path(job_id), kCrashLogLines); tail)
    for (const std::string& line : *tail) exit.log_tail += line + "\n";
  if (probes_in_flight_.count(job_id)) stale_probes_.insert(job_id);
  dispatch(engine_->on_child_exited(job_id, exit, clock_.now()));
}

}  // namespace opsd
