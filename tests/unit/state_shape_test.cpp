#include "state/state_shape.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

namespace json = boost::json;
using opsd::state_shape_problems;

TEST_CASE("a state file written by opsd or the original has the right shape", "[state_shape]") {
  CHECK(state_shape_problems(json::parse(R"({"version":1})")).empty());
  CHECK(state_shape_problems(json::parse(
                                 R"({"version":1,"jobs":{"a":{"lastSeen":{"running":true}}},
          "queue":[{"id":"q-1","jobId":"a","status":"pending","notBefore":1796140201.5}],
          "outbox":[{"seq":3,"text":"hi","alert":false,"attempts":0}],
          "approvals":[{"jobId":"w","fingerprint":"ab","consumed":false}],
          "writeChains":[], "nextQueueId":2, "nextOutboxSeq":4, "updatedAt":null})"))
            .empty());
}

TEST_CASE("nulls and absent keys are not wrong types", "[state_shape]") {
  CHECK(state_shape_problems(json::parse(R"({"queue":null,"outbox":[{"seq":1,"alert":null}]})"))
            .empty());
}

TEST_CASE("a queue that is not an array is named with its JSON path", "[state_shape]") {
  auto p = state_shape_problems(json::parse(R"({"version":1,"queue":"x"})"));
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "$.queue: expected an array, got string");
}

TEST_CASE("an outbox entry with a string seq is a problem", "[state_shape]") {
  auto p = state_shape_problems(json::parse(R"({"outbox":[{"seq":1,"text":"a"},{"seq":"a"}]})"));
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "$.outbox[1].seq: expected a non-negative integer, got string");
}

TEST_CASE("items that are not objects and wrong top-level types are all listed", "[state_shape]") {
  auto p = state_shape_problems(
      json::parse(R"({"jobs":{"a":3},"approvals":[7],"nextQueueId":-1,"outbox":[{"text":5}]})"));
  REQUIRE(p.size() == 4);
  CHECK(p[0] == "$.nextQueueId: expected a non-negative integer, got number");
  CHECK(p[1] == "$.jobs.a: expected an object, got number");
  CHECK(p[2] == "$.outbox[0].text: expected a string, got number");
  CHECK(p[3] == "$.approvals[0]: expected an object, got number");
  CHECK(state_shape_problems(json::parse("[1]")).size() == 1);
}
