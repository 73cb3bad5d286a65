#include "cli/display_width.hpp"

#include <catch2/catch.hpp>

using opsd::display_width;
using opsd::fit_width;

TEST_CASE("ASCII is one column per byte", "[display_width]") {
  CHECK(display_width("") == 0);
  CHECK(display_width("scan-photos") == 11);
  CHECK(opsd::codepoint_width(U'a') == 1);
  CHECK(opsd::codepoint_width(U'\t') == 0);
}

TEST_CASE("Chinese, Japanese, Korean and fullwidth characters are two columns", "[display_width]") {
  CHECK(display_width("扫描") == 4);          // 6 bytes
  CHECK(display_width("扫描-photos") == 11);  // mixed
  CHECK(display_width("かな") == 4);
  CHECK(display_width("한국") == 4);
  CHECK(display_width("ＡＢ") == 4);           // fullwidth Latin
  CHECK(display_width("、") == 2);             // CJK punctuation
  CHECK(opsd::codepoint_width(0x303F) == 1);   // ideographic half fill space is narrow
  CHECK(opsd::codepoint_width(0x20000) == 2);  // CJK extension B
}

TEST_CASE("emoji are two columns; a joined emoji sequence counts once", "[display_width]") {
  CHECK(display_width("🚀") == 2);
  CHECK(display_width("✅ ok") == 5);
  CHECK(display_width("🦀") == 2);
  CHECK(display_width("👨‍👩‍👧") == 2);  // man ZWJ woman ZWJ girl
  CHECK(display_width("👍🏽") == 2);            // skin tone modifier joins its base
}

TEST_CASE("combining marks and zero-width characters take no column", "[display_width]") {
  CHECK(display_width("e\xCC\x81") == 1);  // e + COMBINING ACUTE ACCENT
  CHECK(display_width("Cafe\xCC\x81!") == 5);
  CHECK(display_width("a\xE2\x80\x8B"
                      "b") == 2);                         // ZERO WIDTH SPACE
  CHECK(display_width("\xE2\x9D\xA4\xEF\xB8\x8F") == 1);  // heart + VS16: the heart's width
  CHECK(display_width("が") == 2);                        // precomposed
  CHECK(display_width("か\xE3\x82\x99") == 2);            // か + combining voiced mark
}

TEST_CASE("an invalid byte counts one column", "[display_width]") {
  CHECK(display_width("a\xFF"
                      "b") == 3);
  CHECK(display_width("\xE6\x89") == 2);  // truncated sequence: two bytes
}

TEST_CASE("fit_width keeps text that fits and cuts the rest with an ellipsis", "[display_width]") {
  CHECK(fit_width("scan", 4) == "scan");
  CHECK(fit_width("scan", 10) == "scan");
  CHECK(fit_width("scan-photos", 6) == "scan-…");
  CHECK(display_width(fit_width("scan-photos", 6)) == 6);
  CHECK(fit_width("scan", 0).empty());
  CHECK(fit_width("scan", 1) == "…");
}

TEST_CASE("fit_width never splits a character and never goes over the width", "[display_width]") {
  // 4 columns: "扫" (2) + "…" (1) = 3; the next wide character would make 5.
  CHECK(fit_width("扫描任务", 4) == "扫…");
  CHECK(fit_width("扫描任务", 5) == "扫描…");
  CHECK(fit_width("扫描任务", 8) == "扫描任务");
  CHECK(fit_width("🚀🚀🚀", 4) == "🚀…");
  for (std::size_t w = 0; w <= 10; ++w) {
    std::string cut = fit_width("进度=12/120 阶段=主机", w);
    CHECK(display_width(cut) <= w);
  }
}

TEST_CASE("fit_width keeps a base character with its combining marks", "[display_width]") {
  // "éé…" when the cut falls after the second e: its accent stays with it.
  CHECK(fit_width("e\xCC\x81"
                  "e\xCC\x81"
                  "e\xCC\x81"
                  "e\xCC\x81",
                  3) ==
        "e\xCC\x81"
        "e\xCC\x81"
        "…");
}

TEST_CASE("append_padded pads to a display width", "[display_width]") {
  std::string out;
  opsd::append_padded(out, "扫描", 6);
  CHECK(out == "扫描  ");
  out.clear();
  opsd::append_padded(out, "scan-photos", 4);
  CHECK(out == "scan-photos");
}
