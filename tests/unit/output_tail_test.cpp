#include "util/output_tail.hpp"

#include <catch2/catch.hpp>

using opsd::CutMark;
using opsd::output_tail;

TEST_CASE("output_tail trims whitespace and keeps short output whole", "[output_tail]") {
  CHECK(output_tail("  short \n", 10) == "short");
  CHECK(output_tail("  short \n", 10, CutMark::ellipsis) == "short");  // nothing was cut
  CHECK(output_tail(" \n\t ", 10).empty());
}

TEST_CASE("output_tail keeps the end, marked with … when asked", "[output_tail]") {
  CHECK(output_tail("abcdefghij", 4) == "ghij");
  CHECK(output_tail("abcdefghij", 4, CutMark::ellipsis) == "…ghij");
  CHECK(output_tail("one\ntwo\nALERT: disk full\n", 16) == "ALERT: disk full");
  CHECK(output_tail("abc   xyz", 5, CutMark::ellipsis) == "…xyz");  // no blank after the mark
}

TEST_CASE("output_tail never splits a UTF-8 sequence and makes the text valid", "[output_tail]") {
  CHECK(output_tail("xx\xc3\xa9"
                    "1234",
                    5, CutMark::ellipsis) == "…1234");  // "é" cut in half is dropped
  CHECK(output_tail("xx\xc3\xa9"
                    "1234",
                    6, CutMark::ellipsis) ==
        "…\xc3\xa9"
        "1234");
  CHECK(output_tail("x\xc3\xa9z", 2) == "z");
  CHECK(output_tail("x\xc3\xa9z", 3) == "\xc3\xa9z");
  CHECK(output_tail("bad \xff byte", 100) == "bad \xef\xbf\xbd byte");  // U+FFFD
}
