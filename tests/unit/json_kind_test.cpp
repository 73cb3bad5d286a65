#include "util/json_kind.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

TEST_CASE("every JSON kind has its name", "[json_kind]") {
  namespace json = boost::json;
  CHECK(opsd::json_kind_name(json::value(nullptr)) == "null");
  CHECK(opsd::json_kind_name(json::value(true)) == "boolean");
  CHECK(opsd::json_kind_name(json::value(-3)) == "number");
  CHECK(opsd::json_kind_name(json::value(3u)) == "number");
  CHECK(opsd::json_kind_name(json::value(1.5)) == "number");
  CHECK(opsd::json_kind_name(json::value("x")) == "string");
  CHECK(opsd::json_kind_name(json::parse("[1]")) == "array");
  CHECK(opsd::json_kind_name(json::parse("{}")) == "object");
}
