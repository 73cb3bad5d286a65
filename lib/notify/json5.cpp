#include "notify/json5.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>

#include <boost/json.hpp>

#include "notify/json5_number.hpp"
#include "util/utf8.hpp"

namespace opsd {
namespace {

namespace json = boost::json;

// Thrown inside the parser only; parse_json5 turns it into an Error.
struct Failure {
  std::size_t pos;
  std::string what;
};

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Unicode space separators and other whitespace JSON5 allows besides ASCII.
bool is_unicode_space(std::uint32_t cp) {
  return cp == 0xA0 || cp == 0xFEFF || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  json::value parse_document() {
    skip_space();
    if (at_end()) fail(pos_, "empty input: expected a value");
    json::value v = parse_value(0);
    skip_space();
    if (!at_end()) fail(pos_, "unexpected " + describe(pos_) + " after the value");
    return v;
  }

 private:
  [[noreturn]] void fail(std::size_t pos, std::string what) { throw Failure{pos, std::move(what)}; }

  bool at_end() const { return pos_ >= s_.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0';
  }

  // Decodes the code point at `pos`; sets `len` to its byte length. Fails on invalid UTF-8.
  std::uint32_t decode(std::size_t pos, std::size_t& len) const {
    const auto cp = utf8_decode(s_, pos, len);
    if (!cp) throw Failure{pos, "invalid UTF-8"};
    return *cp;
  }

  std::string describe(std::size_t pos) const {
    if (pos >= s_.size()) return "end of input";
    const char c = s_[pos];
    if (c > 0x20 && c < 0x7F) return std::string("character '") + c + "'";
    std::size_t len = 0;
    const std::uint32_t cp = decode(pos, len);
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return std::string("character ") + buf;
  }

  void skip_space() {
    while (!at_end()) {
      const char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
        ++pos_;
      } else if (c == '/' && peek(1) == '/') {
        while (!at_end() && s_[pos_] != '\n' && s_[pos_] != '\r') ++pos_;
      } else if (c == '/' && peek(1) == '*') {
        const std::size_t end = s_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) fail(pos_, "unterminated /* comment");
        pos_ = end + 2;
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        std::size_t len = 0;
        if (!is_unicode_space(decode(pos_, len))) return;
        pos_ += len;
      } else {
        return;
      }
    }
  }

  json::value parse_value(std::size_t depth) {
    const char c = peek();
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    if (c == '"' || c == '\'') return json::value(parse_string());
    if (is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'I' || c == 'N') {
      return parse_number();
    }
    if (c == 't' || c == 'f' || c == 'n') {
      const std::size_t start = pos_;
      std::size_t end = pos_;
      while (end < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[end])) ||
                                 s_[end] == '_' || s_[end] == '$')) {
        ++end;
      }
      const std::string_view word = s_.substr(start, end - start);
      pos_ = end;
      if (word == "true") return json::value(true);
      if (word == "false") return json::value(false);
      if (word == "null") return json::value(nullptr);
      fail(start, "unexpected identifier '" + std::string(word) + "'");
    }
    if (at_end()) fail(pos_, "unexpected end of input: expected a value");
    fail(pos_, "unexpected " + describe(pos_) + ": expected a value");
  }

  void enter(std::size_t depth) {
    if (depth >= kJson5MaxDepth) {
      fail(pos_, "nesting deeper than " + std::to_string(kJson5MaxDepth) + " levels");
    }
  }

  json::value parse_object(std::size_t depth) {
    enter(depth);
    ++pos_;  // '{'
    json::object obj;
    for (;;) {
      skip_space();
      if (peek() == '}') break;
      std::string key = parse_key();
      skip_space();
      if (peek() != ':') fail(pos_, "expected ':' after the key");
      ++pos_;
      skip_space();
      obj.insert_or_assign(key, parse_value(depth + 1));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') break;
      fail(pos_, "expected ',' or '}'");
    }
    ++pos_;  // '}'
    return json::value(std::move(obj));
  }

  json::value parse_array(std::size_t depth) {
    enter(depth);
    ++pos_;  // '['
    json::array arr;
    for (;;) {
      skip_space();
      if (peek() == ']') break;
      arr.push_back(parse_value(depth + 1));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') break;
      fail(pos_, "expected ',' or ']'");
    }
    ++pos_;  // ']'
    return json::value(std::move(arr));
  }

  // An identifier key: ECMAScript IdentifierName, approximated as ASCII letters, digits
  // (not first), '$', '_', \uXXXX escapes and any non-space code point above U+007F.
  std::string parse_key() {
    const char c = peek();
    if (c == '"' || c == '\'') return parse_string();
    std::string key;
    while (!at_end()) {
      const char k = s_[pos_];
      if (std::isalpha(static_cast<unsigned char>(k)) || k == '$' || k == '_' ||
          (is_digit(k) && !key.empty())) {
        key += k;
        ++pos_;
      } else if (k == '\\' && peek(1) == 'u') {
        pos_ += 2;
        utf8_append(key, read_hex(4));
      } else if (static_cast<unsigned char>(k) >= 0x80) {
        std::size_t len = 0;
        if (is_unicode_space(decode(pos_, len))) break;
        key.append(s_.substr(pos_, len));
        pos_ += len;
      } else {
        break;
      }
    }
    if (key.empty()) {
      fail(pos_, at_end() ? "unexpected end of input: expected a key or '}'"
                          : "expected a key or '}', got " + describe(pos_));
    }
    return key;
  }

  std::uint32_t read_hex(int digits) {
    std::uint32_t v = 0;
    for (int i = 0; i < digits; ++i) {
      if (!is_hex(peek())) fail(pos_, "expected a hex digit in escape");
      v = v * 16 + static_cast<std::uint32_t>(hex_value(s_[pos_]));
      ++pos_;
    }
    return v;
  }

  std::string parse_string() {
    const std::size_t open = pos_;
    const char quote = s_[pos_++];
    std::string out;
    for (;;) {
      if (at_end()) fail(open, "unterminated string");
      const char c = s_[pos_];
      if (c == quote) {
        ++pos_;
        return out;
      }
      if (c == '\n' || c == '\r') fail(pos_, "line break inside a string (use \\n)");
      if (c == '\\') {
        ++pos_;
        parse_escape(out);
        continue;
      }
      std::size_t len = 1;
      if (static_cast<unsigned char>(c) >= 0x80) decode(pos_, len);
      out.append(s_.substr(pos_, len));
      pos_ += len;
    }
  }

  void parse_escape(std::string& out) {
    if (at_end()) fail(pos_, "unterminated string");
    const std::size_t at = pos_ - 1;
    const char e = s_[pos_++];
    switch (e) {
      case 'b':
        out += '\b';
        return;
      case 'f':
        out += '\f';
        return;
      case 'n':
        out += '\n';
        return;
      case 'r':
        out += '\r';
        return;
      case 't':
        out += '\t';
        return;
      case 'v':
        out += '\v';
        return;
      case '\n':
        return;  // line continuation
      case '\r':
        if (peek() == '\n') ++pos_;
        return;
      case '0':
        if (is_digit(peek())) fail(at, "octal escapes are not allowed");
        out += '\0';
        return;
      case 'x':
        utf8_append(out, read_hex(2));
        return;
      case 'u': {
        std::uint32_t cp = read_hex(4);
        if (cp >= 0xD800 && cp <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
          const std::size_t save = pos_;
          pos_ += 2;
          const std::uint32_t low = read_hex(4);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else {
            pos_ = save;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // lone surrogate
        utf8_append(out, cp);
        return;
      }
      default:
        break;
    }
    if (e >= '1' && e <= '9') fail(at, "digit escapes are not allowed");
    --pos_;
    std::size_t len = 1;
    if (static_cast<unsigned char>(e) >= 0x80) {
      const std::uint32_t cp = decode(pos_, len);
      if (cp == 0x2028 || cp == 0x2029) {  // line continuation
        pos_ += len;
        return;
      }
    }
    out.append(s_.substr(pos_, len));  // any other escaped character stands for itself
    pos_ += len;
  }

  json::value parse_number() {
    Json5Number n = scan_json5_number(s_, pos_);
    if (!n.error.empty()) fail(n.error_pos, std::move(n.error));
    pos_ = n.end;
    return std::move(n.value);
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// 1-based line and column (in code points) of byte offset `pos`.
std::string location(std::string_view text, std::size_t pos) {
  std::size_t line = 1;
  std::size_t col = 1;
  pos = std::min(pos, text.size());
  for (std::size_t i = 0; i < pos; ++i) {
    const char c = text[i];
    if (c == '\n' || (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++line;
      col = 1;
    } else if (c != '\r' && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

}  // namespace

Result<boost::json::value> parse_json5(std::string_view text, std::string_view source_name) {
  try {
    return Parser(text).parse_document();
  } catch (const Failure& f) {
    std::string msg(source_name);
    if (!msg.empty()) msg += ':';
    msg += location(text, f.pos) + ": " + f.what;
    return Error{std::move(msg)};
  } catch (const std::exception& e) {  // allocation failure inside Boost.JSON
    return Error{std::string(source_name) + ": " + e.what()};
  }
}

}  // namespace opsd
