// Lookup of a config's jobs by id in O(1) (a reload of 100,000 jobs looks every one up).
// Built on first use and rebuilt when the jobs vector was reallocated or resized; a copy
// starts empty (it would point into the other vector). Single-threaded, like the engine.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace opsd {

struct Job;

class JobIndex {
 public:
  JobIndex() = default;
  JobIndex(const JobIndex&) {}
  JobIndex& operator=(const JobIndex&) {
    clear();
    return *this;
  }
  JobIndex(JobIndex&&) noexcept {}
  JobIndex& operator=(JobIndex&&) noexcept {
    clear();
    return *this;
  }

  // The job with `id` in `jobs`, or nullptr. Every hit is checked; an id edited in place
  // (same vector, same size) is seen once a lookup lands on its old slot or the vector changes.
  const Job* find(const std::vector<Job>& jobs, std::string_view id) const;

 private:
  void clear() {
    by_id_.clear();
    data_ = nullptr;
    size_ = 0;
  }
  void rebuild(const std::vector<Job>& jobs) const;

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> by_id_;
  mutable const Job* data_ = nullptr;
  mutable std::size_t size_ = 0;
};

}  // namespace opsd
