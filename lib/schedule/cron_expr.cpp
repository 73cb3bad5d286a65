#include "schedule/cron_expr.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <vector>

namespace opsd {

namespace {

struct FieldSpec {
  const char* name;
  int lo;
  int hi;
  const char* const* names;  // names[0] is the value `names_base`; nullptr = none
  int names_base;
  int names_count;
};

constexpr const char* kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, nullptr, 0, 0},
    {"hour", 0, 23, nullptr, 0, 0},
    {"day of month", 1, 31, nullptr, 0, 0},
    {"month", 1, 12, kMonthNames, 1, 12},
    {"day of week", 0, 7, kDayNames, 0, 7},  // 7 is Sunday too
}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class FieldParser {
 public:
  FieldParser(const FieldSpec& spec, int index) : spec_(spec), index_(index) {}

  // Sets bits lo..hi of `bits` (as bool per value); returns an Error message or "".
  std::string parse(std::string_view field, std::vector<bool>& bits, bool& restricted) {
    bits.assign(static_cast<std::size_t>(spec_.hi) + 1, false);
    restricted = field.empty() || field[0] != '*';  // Vixie cron: "*" or "*/n" is unrestricted
    std::size_t pos = 0;
    while (true) {
      std::size_t comma = field.find(',', pos);
      std::string_view part =
          field.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
      if (part.empty()) return prefix() + "empty list element in \"" + std::string(field) + "\"";
      if (std::string e = parse_part(part, bits); !e.empty()) return e;
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
    return "";
  }

 private:
  std::string prefix() const {
    return "field " + std::to_string(index_ + 1) + " (" + spec_.name + "): ";
  }

  std::string range_text() const {
    return std::to_string(spec_.lo) + "-" + std::to_string(spec_.hi);
  }

  // A number or a name; nullopt with `err` set when it is neither or out of range.
  std::optional<int> value(std::string_view s, std::string& err) const {
    if (s.empty()) {
      err = prefix() + "missing value";
      return std::nullopt;
    }
    if (std::isdigit(static_cast<unsigned char>(s[0]))) {
      long n = 0;
      for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
          err = prefix() + "\"" + std::string(s) + "\" is not a number";
          return std::nullopt;
        }
        n = n * 10 + (c - '0');
        if (n > 1000) break;
      }
      if (n < spec_.lo || n > spec_.hi) {
        err = prefix() + std::string(s) + " is out of range " + range_text();
        return std::nullopt;
      }
      return static_cast<int>(n);
    }
    if (spec_.names != nullptr) {
      const std::string l = lower(s);
      for (int i = 0; i < spec_.names_count; ++i)
        if (l == spec_.names[i]) return spec_.names_base + i;
      err = prefix() + "unknown name \"" + std::string(s) + "\" (use " + spec_.names[0] + "-" +
            spec_.names[spec_.names_count - 1] + " or " + range_text() + ")";
      return std::nullopt;
    }
    err = prefix() + "\"" + std::string(s) + "\" is not a number";
    return std::nullopt;
  }

  std::string parse_part(std::string_view part, std::vector<bool>& bits) const {
    int step = 1;
    std::string_view base = part;
    if (std::size_t slash = part.find('/'); slash != std::string_view::npos) {
      base = part.substr(0, slash);
      std::string_view s = part.substr(slash + 1);
      long n = 0;
      bool digits = !s.empty();
      for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) digits = false;
        if (digits && n <= 1000) n = n * 10 + (c - '0');
      }
      if (!digits) return prefix() + "step \"" + std::string(s) + "\" is not a number";
      if (n < 1 || n > spec_.hi)
        return prefix() + "step " + std::string(s) + " is out of range 1-" +
               std::to_string(spec_.hi);
      step = static_cast<int>(n);
    }
    int from = spec_.lo, to = spec_.hi;
    std::string err;
    if (base != "*") {
      std::size_t dash = base.find('-');
      auto a = value(base.substr(0, dash), err);
      if (!a) return err;
      from = to = *a;
      if (dash != std::string_view::npos) {
        auto b = value(base.substr(dash + 1), err);
        if (!b) return err;
        to = *b;
        if (to < from)
          return prefix() + "range " + std::string(base) + " goes backwards (" +
                 std::to_string(from) + " > " + std::to_string(to) + ")";
      } else if (step != 1) {
        to = spec_.hi;  // "5/10" = 5-max/10
      }
    }
    for (int v = from; v <= to; v += step) bits[static_cast<std::size_t>(v)] = true;
    return "";
  }

  const FieldSpec& spec_;
  int index_;
};

std::string_view macro(std::string_view text) {
  if (text == "@hourly") return "0 * * * *";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  return {};
}

template <std::size_t N>
void copy_bits(const std::vector<bool>& from, std::bitset<N>& to) {
  for (std::size_t i = 0; i < N && i < from.size(); ++i) to[i] = from[i];
}

}  // namespace

Result<CronExpr> parse_cron(std::string_view text) {
  CronExpr c;
  c.text = std::string(text);
  std::string_view body = text;
  if (!text.empty() && text[0] == '@') {
    body = macro(text);
    if (body.empty())
      return Error{"unknown macro \"" + std::string(text) +
                   "\" (use @hourly, @daily, @weekly, @monthly or @yearly)"};
  }
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && (body[i] == ' ' || body[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < body.size() && body[i] != ' ' && body[i] != '\t') ++i;
    if (i > start) fields.push_back(body.substr(start, i - start));
  }
  if (fields.size() != 5)
    return Error{"expected 5 fields (minute hour day-of-month month day-of-week), got " +
                 std::to_string(fields.size())};
  std::vector<bool> bits;
  bool restricted = false;
  for (std::size_t f = 0; f < 5; ++f) {
    FieldParser p(kFields[f], static_cast<int>(f));
    if (std::string e = p.parse(fields[f], bits, restricted); !e.empty()) return Error{e};
    switch (f) {
      case 0:
        copy_bits(bits, c.minutes);
        break;
      case 1:
        copy_bits(bits, c.hours);
        break;
      case 2:
        copy_bits(bits, c.days_of_month);
        c.dom_restricted = restricted;
        break;
      case 3:
        copy_bits(bits, c.months);
        break;
      default:
        copy_bits(bits, c.days_of_week);
        if (bits[7]) c.days_of_week[0] = true;
        c.dow_restricted = restricted;
        break;
    }
  }
  return c;
}

bool cron_day_matches(const CronExpr& c, int month, int day, int weekday) {
  if (!c.months[static_cast<std::size_t>(month)]) return false;
  const bool dom = c.days_of_month[static_cast<std::size_t>(day)];
  const bool dow = c.days_of_week[static_cast<std::size_t>(weekday)];
  if (c.dom_restricted && c.dow_restricted) return dom || dow;
  return dom && dow;
}

}  // namespace opsd
