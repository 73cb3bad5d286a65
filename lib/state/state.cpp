#include "state/state.hpp"

#include <array>

namespace opsd {

namespace {
constexpr std::array<JobState, 9> kAllStates = {
    JobState::stopped, JobState::starting,  JobState::running,
    JobState::stalled, JobState::completed, JobState::failed,
    JobState::backoff, JobState::given_up,  JobState::stopping};
}  // namespace

bool same_but_probe_times(JobRuntime a, const JobRuntime& b) {
  a.probe.at = b.probe.at;
  a.next_poll_at = b.next_poll_at;
  a.progress_history = b.progress_history;
  return a == b;
}

std::string_view to_string(JobState s) {
  switch (s) {
    case JobState::stopped:
      return "stopped";
    case JobState::starting:
      return "starting";
    case JobState::running:
      return "running";
    case JobState::stalled:
      return "stalled";
    case JobState::completed:
      return "completed";
    case JobState::failed:
      return "failed";
    case JobState::backoff:
      return "backoff";
    case JobState::given_up:
      return "given_up";
    case JobState::stopping:
      return "stopping";
  }
  return "?";
}

std::string_view to_string(QueueStatus s) {
  switch (s) {
    case QueueStatus::pending:
      return "pending";
    case QueueStatus::running:
      return "running";
    case QueueStatus::done:
      return "done";
    case QueueStatus::failed:
      return "failed";
    case QueueStatus::skipped:
      return "skipped";
  }
  return "failed";
}

QueueStatus parse_queue_status(std::string_view s) {
  for (QueueStatus st : {QueueStatus::pending, QueueStatus::running, QueueStatus::done,
                         QueueStatus::failed, QueueStatus::skipped})
    if (to_string(st) == s) return st;
  if (s == "blocked") return QueueStatus::skipped;  // the original's refusal of a queued job
  return s.empty() ? QueueStatus::pending : QueueStatus::failed;
}

std::optional<JobState> parse_job_state(std::string_view s) {
  for (auto st : kAllStates)
    if (to_string(st) == s) return st;
  return std::nullopt;
}

bool WriteChain::settled() const {
  if (!write_exit) return false;
  for (const auto& v : verifications)
    if (!v.exit_code) return false;
  return true;
}

std::optional<std::size_t> WriteChain::pending(std::string_view item_id,
                                               std::string_view name) const {
  for (std::size_t i = 0; i < verifications.size(); ++i) {
    const Verification& v = verifications[i];
    if (v.exit_code) continue;
    if (!item_id.empty() ? v.item_id == item_id : (v.item_id.empty() && v.name == name)) return i;
  }
  return std::nullopt;
}

}  // namespace opsd
