#include "util/secret_redactor.hpp"

#include <catch2/catch.hpp>
#include <string>

using opsd::redact_secrets;
using opsd::SecretRedactor;

namespace {
const std::string kToken = "7357000111:AAH-secret-token";
}

TEST_CASE("every occurrence of every secret is replaced", "[secret_redactor]") {
  CHECK(redact_secrets("token=" + kToken + " again " + kToken, {kToken}) ==
        "token=<redacted> again <redacted>");
  CHECK(redact_secrets("a b", {"", "b"}) == "a <redacted>");
  CHECK(redact_secrets("nothing here", {kToken}) == "nothing here");
  CHECK(redact_secrets("x", {}) == "x");
}

TEST_CASE("a secret split across chunks is still replaced", "[secret_redactor]") {
  std::string text = "before " + kToken + " after\n";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    SecretRedactor r({kToken});
    std::string out = r.feed(text.substr(0, cut));
    out += r.feed(text.substr(cut));
    out += r.flush();
    INFO("cut at " << cut);
    CHECK(out == "before <redacted> after\n");
  }
}

TEST_CASE("byte-by-byte streams are redacted and nothing else is held", "[secret_redactor]") {
  SecretRedactor r({kToken});
  std::string text = kToken + "7357 " + kToken.substr(0, 10);
  std::string out;
  for (char c : text) out += r.feed(std::string(1, c));
  CHECK(out == "<redacted>7357 ");  // "7357000111" could still become the token
  CHECK(r.flush() == kToken.substr(0, 10));
  CHECK(r.flush().empty());
}

TEST_CASE("without secrets the stream passes through at once", "[secret_redactor]") {
  SecretRedactor r({});
  CHECK(r.empty());
  CHECK(r.feed("abc") == "abc");
  CHECK(r.flush().empty());
}

TEST_CASE("an output tail that begins inside a secret has that piece replaced",
          "[secret_redactor]") {
  CHECK(opsd::redact_secrets_in_tail(kToken.substr(5) + " rest", {kToken}) == "<redacted> rest");
  CHECK(opsd::redact_secrets_in_tail(kToken.substr(kToken.size() - 3) + " rest", {kToken}) ==
        kToken.substr(kToken.size() - 3) + " rest");  // too short a piece to tell
  CHECK(opsd::redact_secrets_in_tail("plain " + kToken, {kToken}) == "plain <redacted>");
}
