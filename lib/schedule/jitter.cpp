#include "schedule/jitter.hpp"

namespace opsd {

TimeMs jitter_delay(std::string_view job_id, TimeMs slot, std::int64_t jitter_seconds) {
  if (jitter_seconds <= 0) return 0;
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a over the id and the slot
  for (unsigned char c : job_id) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  auto s = static_cast<std::uint64_t>(slot);
  for (int i = 0; i < 8; ++i) {
    h ^= (s >> (8 * i)) & 0xff;
    h *= 1099511628211ULL;
  }
  h ^= h >> 29;  // FNV's low bits mix poorly
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 32;
  const auto span = static_cast<std::uint64_t>(jitter_seconds) + 1;
  return seconds(static_cast<std::int64_t>(h % span));
}

}  // namespace opsd
