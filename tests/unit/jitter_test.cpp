#include "schedule/jitter.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

namespace opsd {

TEST_CASE("jitter stays within 0..jitterSeconds, in whole seconds", "[schedule][jitter]") {
  std::set<TimeMs> seen;
  for (int job = 0; job < 50; ++job)
    for (TimeMs slot = 0; slot < 20 * 60'000; slot += 60'000) {
      const TimeMs d = jitter_delay("job-" + std::to_string(job), slot, 30);
      CHECK(d >= 0);
      CHECK(d <= seconds(30));
      CHECK(d % 1000 == 0);
      seen.insert(d);
    }
  CHECK(seen.size() == 31);  // every second of the range is used: jobs are spread
  CHECK(seen.count(0) == 1);
  CHECK(seen.count(seconds(30)) == 1);
}

TEST_CASE("jitter is deterministic and off by default", "[schedule][jitter]") {
  CHECK(jitter_delay("a", 123'000, 600) == jitter_delay("a", 123'000, 600));
  CHECK(jitter_delay("a", 123'000, 0) == 0);
  CHECK(jitter_delay("a", 123'000, -5) == 0);
  CHECK(jitter_delay("a", 123'000, 1) <= 1000);
}

}  // namespace opsd
