#include "state/state.hpp"

#include <array>

namespace opsd {

namespace {
constexpr std::array<JobState, 9> kAllStates = {
    JobState::stopped, JobState::starting,  JobState::running,
    JobState::stalled, JobState::completed, JobState::failed,
    JobState::backoff, JobState::given_up,  JobState::stopping};
}  // namespace

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

std::optional<JobState> parse_job_state(std::string_view s) {
  for (auto st : kAllStates)
    if (to_string(st) == s) return st;
  return std::nullopt;
}

}  // namespace opsd
