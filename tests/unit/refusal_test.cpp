#include "engine/refusal.hpp"

#include <catch2/catch.hpp>

#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

TEST_CASE("every request names an unknown job with one wording", "[refusal]") {
  Engine e(config_of({long_job("scan"), read_job("r")}), State{});
  const std::string expected = "unknown job 'nope'";
  CHECK(unknown_job("nope").message == expected);
  CHECK(unknown_job("nope").code == Refusal::unknown_job);
  for (const Outcome& o : {e.request_start("nope", false, kT0), e.request_stop("nope", kT0),
                           e.request_run("nope", kT0), e.request_enqueue("nope", 0, "opsctl", kT0),
                           e.request_approve("nope", seconds(60), 1000, "", kT0)}) {
    REQUIRE(o.error);
    CHECK(o.error->code == Refusal::unknown_job);
    CHECK(o.error->message == expected);
  }
}
