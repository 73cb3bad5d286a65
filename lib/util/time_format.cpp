#include "util/time_format.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>

namespace opsd {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

struct UtcFields {
  int year, month, day, hour, minute, second;
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

UtcFields utc_fields(TimeMs t) {
  std::int64_t secs = floor_div(t, 1000);
  std::int64_t day_count = floor_div(secs, 86400);
  std::int64_t sod = secs - day_count * 86400;
  std::chrono::year_month_day ymd{sys_days{days{day_count}}};
  return UtcFields{int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day())),
                   int(sod / 3600), int(sod / 60 % 60),         int(sod % 60)};
}

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

Error bad_time(std::string_view s, std::string_view why) {
  return Error{"invalid time \"" + std::string(s) + "\": " + std::string(why) +
               " (expected ISO 8601 like 2026-11-24T04:28:54Z)"};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::size_t format_iso8601_utc(TimeMs t, char* buf) {
  UtcFields f = utc_fields(t);
  if (f.year < 0 || f.year > 9999) {
    return static_cast<std::size_t>(std::snprintf(buf, kIso8601BufferSize,
                                                  "%04d-%02d-%02dT%02d:%02d:%02dZ", f.year, f.month,
                                                  f.day, f.hour, f.minute, f.second));
  }
  // Hand-written digits: status renders thousands of times, and snprintf dominated it.
  auto two = [](char* p, int v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  two(buf, f.year / 100);
  two(buf + 2, f.year % 100);
  buf[4] = '-';
  two(buf + 5, f.month);
  buf[7] = '-';
  two(buf + 8, f.day);
  buf[10] = 'T';
  two(buf + 11, f.hour);
  buf[13] = ':';
  two(buf + 14, f.minute);
  buf[16] = ':';
  two(buf + 17, f.second);
  buf[19] = 'Z';
  buf[20] = '\0';
  return 20;
}

std::string iso8601_utc(TimeMs t) {
  if (t == 0) return "";
  char buf[kIso8601BufferSize];
  return std::string(buf, format_iso8601_utc(t, buf));
}

std::string compact_utc_stamp(TimeMs t) {
  UtcFields f = utc_fields(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", f.year, f.month, f.day, f.hour,
                f.minute, f.second);
  return buf;
}

Result<TimeMs> parse_iso8601(std::string_view input) {
  std::string_view s = trim(input);
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(s, pos, 4, year) || !expect(s, pos, '-') || !digits(s, pos, 2, month) ||
      !expect(s, pos, '-') || !digits(s, pos, 2, day))
    return bad_time(input, "bad date");
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' '))
    return bad_time(input, "missing time of day");
  ++pos;
  if (!digits(s, pos, 2, hour) || !expect(s, pos, ':') || !digits(s, pos, 2, minute) ||
      !expect(s, pos, ':') || !digits(s, pos, 2, second))
    return bad_time(input, "bad time of day");
  std::int64_t millis = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    std::size_t start = pos;
    int scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad_time(input, "empty fraction");
  }
  int offset_minutes = 0;
  if (pos >= s.size()) return bad_time(input, "missing time zone (Z or +HH:MM)");
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!digits(s, pos, 2, oh)) return bad_time(input, "bad time zone offset");
    if (pos < s.size() && s[pos] == ':') ++pos;
    if (!digits(s, pos, 2, om) || oh > 23 || om > 59)
      return bad_time(input, "bad time zone offset");
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return bad_time(input, "bad time zone");
  }
  if (pos != s.size()) return bad_time(input, "unexpected text after the time zone");

  std::chrono::year_month_day ymd{std::chrono::year{year},
                                  std::chrono::month{static_cast<unsigned>(month)},
                                  std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return bad_time(input, "no such date");
  // Second 60 is a leap second; it is counted as the next second.
  if (hour > 23 || minute > 59 || second > 60) return bad_time(input, "time of day out of range");
  std::int64_t day_count = sys_days{ymd}.time_since_epoch().count();
  std::int64_t secs =
      day_count * 86400 + hour * 3600 + minute * 60 + second - std::int64_t{offset_minutes} * 60;
  return TimeMs{secs * 1000 + millis};
}

std::string local_hms(TimeMs t) {
  std::time_t secs = static_cast<std::time_t>(floor_div(t, 1000));
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Result<std::int64_t> parse_duration_seconds(std::string_view input) {
  std::string_view s = trim(input);
  auto bad = [&](std::string_view why) {
    return Error{"invalid duration \"" + std::string(input) + "\": " + std::string(why) +
                 " (expected e.g. 90, 30s, 10m, 1h, 2d or 1h30m)"};
  };
  if (s.empty()) return bad("empty");
  if (s.front() == '-') return bad("negative");
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / 1000;
  std::int64_t total = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t start = pos;
    std::int64_t n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n > kMax / 10) return bad("too large");
      n = n * 10 + (s[pos] - '0');
      ++pos;
    }
    if (pos == start) return bad("expected a number");
    std::int64_t unit = 1;
    if (pos == s.size()) {
      if (start != 0) return bad("a number without a unit after another part");
    } else {
      switch (s[pos]) {
        case 's':
          unit = 1;
          break;
        case 'm':
          unit = 60;
          break;
        case 'h':
          unit = 3600;
          break;
        case 'd':
          unit = 86400;
          break;
        default:
          return bad("unknown unit '" + std::string(1, s[pos]) + "'");
      }
      ++pos;
    }
    if (n > (kMax - total) / unit) return bad("too large");
    total += n * unit;
  }
  return total;
}

std::string format_age(TimeMs ms) {
  std::int64_t s = ms > 0 ? ms / 1000 : 0;
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(s / 60));
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldd%lldh", static_cast<long long>(s / 86400),
                  static_cast<long long>(s / 3600 % 24));
  }
  return buf;
}

}  // namespace opsd
