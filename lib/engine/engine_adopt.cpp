// Engine: children that outlive a daemon run (re-adoption after a restart or an execve of opsd;
// docs/processes.md). Which pids are still the same processes is the daemon's finding; here it
// only decides what is kept.
#include "engine/engine.hpp"

namespace opsd {

Step Engine::on_startup(TimeMs now, const std::set<std::string>& adopted) {
  adopt_at_startup_ = {adopted.begin(), adopted.end()};
  Actions actions = decide_startup(now);
  adopt_at_startup_.clear();
  return sealed(std::move(actions));
}

Step Engine::on_child_identity(const std::string& job_id, std::int64_t pid, const OwnedIdentity& id,
                               TimeMs /*now*/) {
  auto it = state_.jobs.find(job_id);
  if (it != state_.jobs.end() && it->second.owned_pid == pid && it->second.owned != id) {
    it->second.owned = id;
    dirty_ = true;
  }
  return sealed(Actions{});
}

}  // namespace opsd
