#include "util/utf8.hpp"

#include <catch2/catch.hpp>

using opsd::utf8_valid;

TEST_CASE("utf8_valid keeps valid text byte for byte", "[utf8]") {
  const std::string text =
      "plain, caf\xc3\xa9, \xe8\xbf\x9b\xe5\xba\xa6, \xf0\x9f\x9b\xa0\xef\xb8\x8f";
  CHECK(utf8_valid(text) == text);
  CHECK(utf8_valid("").empty());
}

TEST_CASE("utf8_valid replaces each invalid byte with U+FFFD", "[utf8]") {
  const std::string fffd = "\xef\xbf\xbd";
  CHECK(utf8_valid("disk \xff\xfe full") == "disk " + fffd + fffd + " full");
  CHECK(utf8_valid("cut \xe8\xbf") == "cut " + fffd + fffd);  // truncated sequence
  CHECK(utf8_valid("\xc0\xaf") == fffd + fffd);               // overlong '/'
  CHECK(utf8_valid("\xed\xa0\x80") == fffd + fffd + fffd);    // a surrogate
  CHECK(utf8_valid("a\x80z") == "a" + fffd + "z");            // stray continuation
}

TEST_CASE("utf8_last_bytes keeps the end and never starts inside a sequence", "[utf8]") {
  CHECK(opsd::utf8_last_bytes("short", 10) == "short");
  CHECK(opsd::utf8_last_bytes("abcdefghij", 4) == "ghij");
  CHECK(opsd::utf8_last_bytes("xx\xc3\xa9"
                              "1234",
                              5) == "1234");  // cut through "é"
  CHECK(opsd::utf8_last_bytes("xx\xc3\xa9"
                              "1234",
                              6) ==
        "\xc3\xa9"
        "1234");
}
