#include "notify/split_message.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "util/utf8.hpp"

using opsd::split_message;
using opsd::utf16_length;
using opsd::utf8_length;

namespace {

std::string join(const std::vector<std::string>& pieces) {
  std::string out;
  for (const auto& p : pieces) out += p;
  return out;
}

}  // namespace

TEST_CASE("split_message: text of exactly 4096 characters stays one message", "[notify]") {
  const std::string text(4096, 'a');
  const auto pieces = split_message(text);
  REQUIRE(pieces.size() == 1);
  CHECK(pieces[0] == text);
}

TEST_CASE("split_message: 4097 characters on one line are cut into 4096 + 1", "[notify]") {
  const std::string text = std::string(4096, 'a') + "b";
  const auto pieces = split_message(text);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0] == std::string(4096, 'a'));
  CHECK(pieces[1] == "b");
}

TEST_CASE("split_message: pieces end at line boundaries when lines fit", "[notify]") {
  const std::string line1 = std::string(3000, 'x') + "\n";
  const std::string line2 = std::string(2000, 'y') + "\n";
  const std::string line3 = "tail";
  const auto pieces = split_message(line1 + line2 + line3);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0] == line1);
  CHECK(pieces[1] == line2 + line3);
}

TEST_CASE("split_message: multi-byte Chinese text is counted in code points", "[notify]") {
  std::string line;
  for (int i = 0; i < 100; ++i) line += "进度正常";  // 400 code points, 1200 bytes
  line += "\n";
  std::string text;
  for (int i = 0; i < 25; ++i) text += line;  // 25 * 401 = 10025 code points
  const auto pieces = split_message(text);
  REQUIRE(pieces.size() == 3);  // 10 lines (4010) + 10 lines + 5 lines
  for (const auto& p : pieces) {
    CHECK(utf8_length(p) <= 4096);
    CHECK(p.back() == '\n');
  }
  CHECK(utf8_length(pieces[0]) == 4010);
  CHECK(join(pieces) == text);
}

TEST_CASE("split_message: a single huge line is cut at code point boundaries", "[notify]") {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "汉";  // 3 bytes each
  text += "😀😀";                                 // 4 bytes each
  const auto pieces = split_message(text, 4096);
  REQUIRE(pieces.size() == 2);
  CHECK(utf8_length(pieces[0]) == 4096);
  CHECK(pieces[0].size() == 4096 * 3);
  CHECK(utf8_length(pieces[1]) == 5002 - 4096);
  CHECK(join(pieces) == text);
}

TEST_CASE("split_message: never loses or reorders text for small limits", "[notify]") {
  const std::string text = "ab\ncdé\n\n😀fgh\nijklmnop\nq";
  for (std::size_t max = 1; max <= 12; ++max) {
    const auto pieces = split_message(text, max);
    CHECK(join(pieces) == text);
    for (const auto& p : pieces) {
      CHECK_FALSE(p.empty());
      CHECK((utf16_length(p) <= max || utf8_length(p) == 1));
    }
  }
}

TEST_CASE("split_message: empty text gives no pieces", "[notify]") {
  CHECK(split_message("").empty());
}

TEST_CASE("split_message: emoji count two UTF-16 units, as Telegram counts", "[notify]") {
  const std::string text = std::string(4095, 'a') + "😀";  // 4096 code points, 4097 units
  const auto pieces = split_message(text);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0] == std::string(4095, 'a'));
  CHECK(pieces[1] == "😀");
}

TEST_CASE("split_message: a header with an emoji moves a line that would overflow", "[notify]") {
  const std::string header = "🛠️ Ops 快报（12:00:00）\n";  // U+1F6E0 is outside the BMP
  const std::string filler = std::string(4096 - utf8_length(header) - 2, 'x') + "\n";
  const std::string text = header + filler + "tail\n";
  REQUIRE(utf8_length(header + filler) == 4095);   // fits in code points ...
  REQUIRE(utf16_length(header + filler) == 4096);  // ... and in UTF-16 units
  const auto pieces = split_message(text);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0] == header + filler);
  CHECK(pieces[1] == "tail\n");
  const std::string longer = header + "x" + filler + "tail\n";  // 4097 units in the first two
  const auto moved = split_message(longer);
  REQUIRE(moved.size() == 2);
  CHECK(moved[0] == header);
  for (const auto& p : moved) CHECK(utf16_length(p) <= 4096);
}
