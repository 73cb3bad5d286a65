#include "engine/progress_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/report_text.hpp"
#include "util/time_format.hpp"

namespace opsd {

namespace {

// `x` with `decimals` digits, trailing zeros (and a bare point) dropped.
std::string trimmed(double x, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string three_digits(double x) { return trimmed(x, x >= 100 ? 0 : x >= 10 ? 1 : 2); }

}  // namespace

std::string progress_bar(double ratio, std::size_t cells, std::string_view full,
                         std::string_view empty) {
  const double r = std::isfinite(ratio) ? std::clamp(ratio, 0.0, 1.0) : 0.0;
  const auto filled = std::min(cells, static_cast<std::size_t>(std::floor(r * cells)));
  std::string out;
  for (std::size_t i = 0; i < cells; ++i) out += i < filled ? full : empty;
  return out;
}

std::string format_percent(double ratio) {
  const double r = std::isfinite(ratio) ? std::clamp(ratio, 0.0, 1.0) : 0.0;
  const int pct = r >= 1.0 ? 100 : std::min(99, static_cast<int>(std::floor(r * 100 + 1e-9)));
  return std::to_string(pct) + "%";
}

std::string format_rate(double per_second) {
  const double r = std::isfinite(per_second) ? std::max(per_second, 0.0) : 0.0;
  if (r >= 1 || r == 0) return three_digits(r) + "/s";
  if (r * 60 >= 1) return three_digits(r * 60) + "/min";
  return three_digits(r * 3600) + "/h";
}

std::string estimate_line(const ProgressEstimate& e, TimeMs now, std::string_view locale) {
  if (!e.ratio) return "";
  std::string out = format_percent(*e.ratio);
  if (e.rate_per_second) out += " · " + format_rate(*e.rate_per_second);
  if (e.eta) out += " · " + text(Text::time_left, locale, {format_age(*e.eta - now)});
  return out;
}

}  // namespace opsd
