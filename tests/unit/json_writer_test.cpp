#include "util/json_writer.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <limits>

namespace json = boost::json;
using opsd::JsonWriter;

TEST_CASE("json writer output equals Boost.JSON's serialization of the same document",
          "[json_writer]") {
  std::string tricky = "quote\" backslash\\ nl\n tab\t cr\r bs\b ff\f nul";
  tricky += '\0';
  tricky += "\x01\x1f del\x7f utf8 \xe8\xbf\x9b\xe5\xba\xa6 slash/";
  json::value doc = {
      {"s", tricky},
      {"n", -42},
      {"big", std::numeric_limits<std::int64_t>::max()},
      {"small", std::numeric_limits<std::int64_t>::min()},
      {"t", true},
      {"f", false},
      {"z", nullptr},
      {"empty", json::object()},
      {"list", json::array{1, "two", json::array(), json::object{{"k", json::array{nullptr}}}}}};

  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("s").string(tricky);
  w.key("n").number(-42);
  w.key("big").number(std::numeric_limits<std::int64_t>::max());
  w.key("small").number(std::numeric_limits<std::int64_t>::min());
  w.key("t").boolean(true);
  w.key("f").boolean(false);
  w.key("z").null();
  w.key("empty").begin_object().end_object();
  w.key("list").begin_array().number(1).string("two").begin_array().end_array();
  w.begin_object().key("k").begin_array().null().end_array().end_object();
  w.end_array();
  w.end_object();

  CHECK(out == json::serialize(doc));
  CHECK(json::parse(out) == doc);
}

TEST_CASE("json writer's empty strings and raw text become null, raw text is kept verbatim",
          "[json_writer]") {
  std::string out;
  JsonWriter w(out);
  w.begin_array().string_or_null("").string_or_null("x").raw("").raw(R"({"a":[1,2]})").end_array();
  CHECK(out == R"([null,"x",null,{"a":[1,2]}])");
}

TEST_CASE("json writer's unset times become null, set ones ISO 8601 UTC", "[json_writer]") {
  std::string out;
  JsonWriter w(out);
  w.begin_array().time_or_null(0).time_or_null(-5).time_or_null(1'700'000'000'123).end_array();
  CHECK(out == R"([null,null,"2023-11-14T22:13:20Z"])");
}

TEST_CASE("json writer appends to what the string already holds", "[json_writer]") {
  std::string out = R"({"id":1,"result":)";
  JsonWriter w(out);
  w.begin_object().key("ok").boolean(true).end_object();
  out += "}";
  CHECK(json::parse(out).at("result").at("ok") == true);
}
