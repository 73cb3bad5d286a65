#include "util/marker_scanner.hpp"

#include <catch2/catch.hpp>
#include <string>

using opsd::MarkerScanner;

TEST_CASE("a marker on the first of many lines is found", "[marker_scanner]") {
  MarkerScanner s;
  s.feed("ALERT: disk almost full\n");
  for (int i = 0; i < 100000; ++i) s.feed("line " + std::to_string(i) + "\n");
  s.finish();
  REQUIRE(s.matches().size() == 1);
  CHECK(s.matches()[0] == "ALERT: disk almost full");
  CHECK(s.match_count() == 1);
}

TEST_CASE("a marker cut by a chunk boundary is found", "[marker_scanner]") {
  MarkerScanner s;
  s.feed("ok\nnow ACTION RE");
  s.feed("QUIRED: approve\nfine\n");
  s.finish();
  REQUIRE(s.matches().size() == 1);
  CHECK(s.matches()[0] == "now ACTION REQUIRED: approve");
}

TEST_CASE("a marker fed one byte at a time is found", "[marker_scanner]") {
  MarkerScanner s;
  for (char c : std::string("xx\r\nyy ALERT zz\r\n")) s.feed(std::string_view(&c, 1));
  s.finish();
  REQUIRE(s.matches().size() == 1);
  CHECK(s.matches()[0] == "yy ALERT zz");
}

TEST_CASE("a last line without a newline counts", "[marker_scanner]") {
  MarkerScanner s;
  s.feed("a\nb ALERT");
  s.finish();
  REQUIRE(s.matches().size() == 1);
  CHECK(s.matches()[0] == "b ALERT");
}

TEST_CASE("only the first lines are kept, each cut, all counted", "[marker_scanner]") {
  MarkerScanner s(2, 10);
  s.feed("ALERT 1 and a long tail\nALERT 2\nALERT 3\n");
  s.feed(std::string(5000, 'x') + "ALERT far out in a long line\n");
  s.finish();
  REQUIRE(s.matches().size() == 2);
  CHECK(s.matches()[0] == "ALERT 1 an");
  CHECK(s.matches()[1] == "ALERT 2");
  CHECK(s.match_count() == 4);
}

TEST_CASE("lines without markers match nothing", "[marker_scanner]") {
  MarkerScanner s;
  s.feed("ALER\nT\nalert\nACTION\n REQUIRED\n");
  s.finish();
  CHECK(s.matches().empty());
  CHECK(s.match_count() == 0);
}
