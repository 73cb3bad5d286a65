#include "notify/redact.hpp"

#include <catch2/catch.hpp>

using opsd::redact_token;

TEST_CASE("redact: the bot URL form and bare occurrences are hidden", "[notify]") {
  const std::string token = "123456:ABC-def_ghi";
  const std::string text =
      "POST https://api.telegram.org/bot123456:ABC-def_ghi/sendMessage "
      "failed; token 123456:ABC-def_ghi again 123456:ABC-def_ghi";
  const std::string out = redact_token(text, token);
  CHECK(out ==
        "POST https://api.telegram.org/bot<redacted>/sendMessage failed; token <redacted> again "
        "<redacted>");
  CHECK(out.find("ABC-def") == std::string::npos);
}

TEST_CASE("redact: the percent-encoded token is hidden too", "[notify]") {
  CHECK(redact_token("url /bot123%3Axyz/x and 123%3axyz", "123:xyz") ==
        "url /bot<redacted>/x and <redacted>");
}

TEST_CASE("redact: an empty token or text without it is unchanged", "[notify]") {
  CHECK(redact_token("nothing secret", "") == "nothing secret");
  CHECK(redact_token("nothing secret", "123:abc") == "nothing secret");
}
