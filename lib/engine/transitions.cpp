#include "engine/transitions.hpp"

#include <initializer_list>

namespace opsd {

namespace {

bool one_of(JobState s, std::initializer_list<JobState> set) {
  for (auto x : set)
    if (x == s) return true;
  return false;
}

}  // namespace

bool transition_allowed(JobState from, JobState to) {
  using S = JobState;
  if (from == to) return false;
  switch (from) {
    case S::stopped:
      return one_of(to,
                    {S::starting, S::running, S::completed, S::failed, S::backoff, S::given_up});
    case S::starting:
      return one_of(to,
                    {S::running, S::completed, S::failed, S::backoff, S::given_up, S::stopping});
    case S::running:
      return one_of(to, {S::stalled, S::completed, S::failed, S::backoff, S::given_up, S::stopping,
                         S::starting});
    case S::stalled:
      return one_of(to, {S::running, S::completed, S::failed, S::backoff, S::given_up, S::stopping,
                         S::starting});
    case S::completed:
      return one_of(to, {S::starting, S::running, S::failed, S::backoff, S::given_up});
    case S::failed:
      return one_of(to,
                    {S::starting, S::running, S::completed, S::backoff, S::given_up, S::stopped});
    case S::backoff:
      return one_of(to,
                    {S::starting, S::running, S::completed, S::failed, S::given_up, S::stopped});
    case S::given_up:
      return one_of(to, {S::starting, S::running, S::completed, S::failed, S::stopped});
    case S::stopping:
      return to == S::stopped;
  }
  return false;
}

bool transition(JobRuntime& rt, JobState to, std::string reason, TimeMs now) {
  if (!transition_allowed(rt.state, to)) return false;
  const JobState from = rt.state;
  rt.state = to;
  if (to == JobState::stalled) rt.stalled_since = now;
  if (from == JobState::stalled) rt.stalled_since = 0;
  if (to == JobState::given_up) rt.given_up_at = now;
  if (from == JobState::given_up) rt.given_up_at = 0;
  if (from == JobState::stopping) rt.stop_deadline = 0;
  rt.history.push_back(JobEvent{now, from, to, std::move(reason)});
  while (rt.history.size() > JobRuntime::kMaxHistory) rt.history.pop_front();
  return true;
}

}  // namespace opsd
