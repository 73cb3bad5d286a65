#include "notify/json5_number.hpp"

#include <charconv>
#include <cstdint>
#include <limits>

namespace opsd {
namespace {

namespace json = boost::json;

struct Failure {
  std::size_t pos;
  std::string what;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

json::value integer(std::uint64_t mag, bool negative) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!negative)
    return mag <= kMax ? json::value(static_cast<std::int64_t>(mag)) : json::value(mag);
  if (mag <= kMax) return json::value(-static_cast<std::int64_t>(mag));
  if (mag == kMax + 1) return json::value(std::numeric_limits<std::int64_t>::min());
  return json::value(-static_cast<double>(mag));
}

class Scanner {
 public:
  Scanner(std::string_view s, std::size_t pos) : s_(s), pos_(pos) {}
  std::size_t pos() const { return pos_; }

  bool consume_word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }

  json::value scan() {
    const std::size_t start = pos_;
    bool negative = false;
    if (peek() == '+' || peek() == '-') negative = s_[pos_++] == '-';
    if (consume_word("Infinity")) {
      return json::value(negative ? -std::numeric_limits<double>::infinity()
                                  : std::numeric_limits<double>::infinity());
    }
    if (consume_word("NaN")) return json::value(std::numeric_limits<double>::quiet_NaN());
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) return parse_hex(start, negative);

    const std::size_t int_start = pos_;
    while (is_digit(peek())) ++pos_;
    const std::string_view int_part = s_.substr(int_start, pos_ - int_start);
    if (int_part.size() > 1 && int_part[0] == '0')
      throw Failure{int_start, "leading zeros are not allowed"};
    std::string_view frac;
    bool is_float = false;
    if (peek() == '.') {
      is_float = true;
      const std::size_t f = ++pos_;
      while (is_digit(peek())) ++pos_;
      frac = s_.substr(f, pos_ - f);
    }
    if (int_part.empty() && frac.empty()) throw Failure{start, "invalid number"};
    std::string exponent;
    if (peek() == 'e' || peek() == 'E') {
      is_float = true;
      ++pos_;
      if (peek() == '+' || peek() == '-') exponent += s_[pos_++];
      const std::size_t e = pos_;
      while (is_digit(peek())) ++pos_;
      if (pos_ == e) throw Failure{pos_, "expected digits in the exponent"};
      exponent.append(s_.substr(e, pos_ - e));
    }
    if (!is_float) {
      std::uint64_t mag = 0;
      const auto r = std::from_chars(int_part.data(), int_part.data() + int_part.size(), mag);
      if (r.ec == std::errc()) return integer(mag, negative);
    }
    std::string text(int_part.empty() ? "0" : int_part);
    text += '.';
    text += frac.empty() ? "0" : frac;
    if (!exponent.empty()) text += "e" + exponent;
    double d = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), d);
    if (r.ec == std::errc::result_out_of_range) {
      d = !exponent.empty() && exponent[0] == '-' ? 0.0 : std::numeric_limits<double>::infinity();
    }
    return json::value(negative ? -d : d);
  }

  json::value parse_hex(std::size_t start, bool negative) {
    pos_ += 2;
    const std::size_t digits = pos_;
    std::uint64_t mag = 0;
    double big = 0;
    bool overflow = false;
    while (is_hex(peek())) {
      const auto d = static_cast<std::uint64_t>(hex_value(s_[pos_++]));
      if (!overflow && mag > (std::numeric_limits<std::uint64_t>::max() >> 4)) {
        overflow = true;
        big = static_cast<double>(mag);
      }
      if (overflow) {
        big = big * 16 + static_cast<double>(d);
      } else {
        mag = mag * 16 + d;
      }
    }
    if (pos_ == digits) throw Failure{start, "expected hex digits after 0x"};
    if (overflow) return json::value(negative ? -big : big);
    return integer(mag, negative);
  }

 private:
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0';
  }

  std::string_view s_;
  std::size_t pos_;
};

}  // namespace

Json5Number scan_json5_number(std::string_view text, std::size_t pos) {
  Json5Number n;
  Scanner scanner(text, pos);
  try {
    n.value = scanner.scan();
    n.end = scanner.pos();
  } catch (const Failure& f) {
    n.error = f.what;
    n.error_pos = f.pos;
  }
  return n;
}

}  // namespace opsd
