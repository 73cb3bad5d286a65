#include "config/job_index.hpp"

#include "config/config.hpp"

namespace opsd {

void JobIndex::rebuild(const std::vector<Job>& jobs) const {
  by_id_.clear();
  by_id_.reserve(jobs.size());
  // The first of duplicate ids wins, like the linear scan it replaces.
  for (std::size_t i = 0; i < jobs.size(); ++i) by_id_.emplace(jobs[i].id, i);
  data_ = jobs.data();
  size_ = jobs.size();
}

const Job* JobIndex::find(const std::vector<Job>& jobs, std::string_view id) const {
  if (jobs.empty()) return nullptr;
  if (data_ != jobs.data() || size_ != jobs.size()) rebuild(jobs);
  auto it = by_id_.find(id);
  if (it != by_id_.end() && jobs[it->second].id == id) return &jobs[it->second];
  // A miss or a wrong hit: ids may have been edited in place since the index was built.
  if (it != by_id_.end()) {
    rebuild(jobs);
    it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &jobs[it->second];
  }
  return nullptr;
}

}  // namespace opsd
