#include "notify/json5.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include <boost/json.hpp>

namespace json = boost::json;
using opsd::parse_json5;

namespace {

json::value parse_ok(std::string_view text) {
  auto r = parse_json5(text);
  INFO(text);
  if (!r) FAIL(r.error().message);
  return std::move(r).value();
}

std::string parse_error(std::string_view text, std::string_view source = "") {
  auto r = parse_json5(text, source);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("json5: strict JSON parses to the same value", "[json5]") {
  const char* text = R"({"a": [1, -2, 3.5, true, false, null], "b": {"c": "d\u00e9\n"}})";
  CHECK(parse_ok(text) == json::parse(text));
}

TEST_CASE("json5: line and block comments are skipped anywhere", "[json5]") {
  const auto v = parse_ok(
      "// leading\n{ /* before key */ a: /* before value */ 1, // after\n"
      "  b: 2 /* multi\n line */ }\n// trailing");
  CHECK(v == json::parse(R"({"a":1,"b":2})"));
}

TEST_CASE("json5: trailing commas in objects and arrays", "[json5]") {
  CHECK(parse_ok("{a: [1, 2, ], b: 3, }") == json::parse(R"({"a":[1,2],"b":3})"));
  CHECK(parse_ok("[[],{},]") == json::parse("[[],{}]"));
}

TEST_CASE("json5: unquoted identifier keys including $, _, digits and non-ASCII", "[json5]") {
  const auto v = parse_ok("{$id: 1, _x9: 2, botToken: 3, 名前: 4, a\\u0062c: 5}");
  const auto& o = v.as_object();
  CHECK(o.at("$id") == 1);
  CHECK(o.at("_x9") == 2);
  CHECK(o.at("botToken") == 3);
  CHECK(o.at("名前") == 4);
  CHECK(o.at("abc") == 5);
}

TEST_CASE("json5: single-quoted strings may hold double quotes", "[json5]") {
  CHECK(parse_ok(R"('say "hi" it\'s')") == json::value(R"(say "hi" it's)"));
  CHECK(parse_ok(R"({'k': 'v'})") == json::parse(R"({"k":"v"})"));
}

TEST_CASE("json5: all string escapes", "[json5]") {
  CHECK(parse_ok(R"("\b\f\n\r\t\v\0\\\/\'\"")") ==
        json::value(std::string_view("\b\f\n\r\t\v\0\\/'\"", 11)));
  CHECK(parse_ok(R"("\x41\u00e9\ud83d\ude00")") == json::value("A\xC3\xA9\xF0\x9F\x98\x80"));
  CHECK(parse_ok(R"("\q\z")") ==
        json::value("qz"));  // other escaped characters stand for themselves
}

TEST_CASE("json5: line continuations join lines", "[json5]") {
  CHECK(parse_ok("'a\\\nb\\\r\nc\\\rd\\\xE2\x80\xA8"
                 "e'") == json::value("abcde"));
}

TEST_CASE("json5: hex numbers, signs, Infinity and NaN", "[json5]") {
  CHECK(parse_ok("0x1F") == 31);
  CHECK(parse_ok("-0X1f") == -31);
  CHECK(parse_ok("+7") == 7);
  CHECK(parse_ok("0xFFFFFFFFFFFFFFFF").as_uint64() == 0xFFFFFFFFFFFFFFFFull);
  CHECK(parse_ok("Infinity").as_double() == std::numeric_limits<double>::infinity());
  CHECK(parse_ok("-Infinity").as_double() == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(parse_ok("NaN").as_double()));
}

TEST_CASE("json5: leading and trailing decimal points and exponents", "[json5]") {
  CHECK(parse_ok(".5").as_double() == 0.5);
  CHECK(parse_ok("5.").as_double() == 5.0);
  CHECK(parse_ok("-.25e2").as_double() == -25.0);
  CHECK(parse_ok("1E3").as_double() == 1000.0);
  CHECK(parse_ok("1e999").as_double() == std::numeric_limits<double>::infinity());
}

TEST_CASE("json5: integer ranges map to int64, uint64 and double", "[json5]") {
  CHECK(parse_ok("-1001234567890").as_int64() == -1001234567890);
  CHECK(parse_ok("-9223372036854775808").as_int64() == std::numeric_limits<std::int64_t>::min());
  CHECK(parse_ok("18446744073709551615").as_uint64() == 18446744073709551615ull);
  CHECK(parse_ok("18446744073709551616").is_double());
}

TEST_CASE("json5: Unicode and ASCII whitespace, BOM, duplicate keys", "[json5]") {
  CHECK(parse_ok("\xEF\xBB\xBF\v\f\xC2\xA0{a:1,\xE2\x80\xA8"
                 "a:2}") == json::parse(R"({"a":2})"));
}

TEST_CASE("json5: errors name source, line and column", "[json5]") {
  CHECK(parse_error("{\n  a: 1\n  b: 2\n}", "openclaw.json") ==
        "openclaw.json:3:3: expected ',' or '}'");
  CHECK(parse_error("[1 2]") == "1:4: expected ',' or ']'");
  CHECK(parse_error("{a 1}") == "1:4: expected ':' after the key");
  CHECK(parse_error("{\n 'é': x}") == "2:7: unexpected character 'x': expected a value");
  CHECK(parse_error("\n\n  'abc") == "3:3: unterminated string");
  CHECK(parse_error("/* open") == "1:1: unterminated /* comment");
  CHECK(parse_error("") == "1:1: empty input: expected a value");
  CHECK(parse_error("{a:1} x") == "1:7: unexpected character 'x' after the value");
}

TEST_CASE("json5: malformed tokens are rejected", "[json5]") {
  CHECK_THAT(parse_error("{,}"), Catch::Contains("expected a key"));
  CHECK_THAT(parse_error("[,]"), Catch::Contains("expected a value"));
  CHECK_THAT(parse_error("01"), Catch::Contains("leading zeros"));
  CHECK_THAT(parse_error("0x"), Catch::Contains("hex digits"));
  CHECK_THAT(parse_error("1e"), Catch::Contains("exponent"));
  CHECK_THAT(parse_error("'\\1'"), Catch::Contains("digit escapes"));
  CHECK_THAT(parse_error("'\\u12'"), Catch::Contains("hex digit"));
  CHECK_THAT(parse_error("'a\nb'"), Catch::Contains("line break"));
  CHECK_THAT(parse_error("'\xFF'"), Catch::Contains("invalid UTF-8"));
  CHECK_THAT(parse_error("nul"), Catch::Contains("unexpected identifier 'nul'"));
  CHECK_THAT(parse_error("{a:1"), Catch::Contains("expected ',' or '}'"));
}

TEST_CASE("json5: nesting is limited to kJson5MaxDepth without recursion blowup", "[json5]") {
  const std::size_t limit = opsd::kJson5MaxDepth;
  CHECK(parse_json5(std::string(limit, '[') + std::string(limit, ']')).ok());
  CHECK_THAT(parse_error(std::string(limit + 1, '[') + std::string(limit + 1, ']')),
             Catch::Contains("nesting deeper than 256"));
  // Far deeper input than any stack could recurse through fails the same way.
  CHECK_THAT(parse_error(std::string(1'000'000, '[')), Catch::Contains("nesting deeper"));
  std::string objects;
  for (int i = 0; i < 300'000; ++i) objects += "{a:";
  CHECK_THAT(parse_error(objects), Catch::Contains("nesting deeper"));
}
