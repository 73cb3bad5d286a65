#include "engine/progress_text.hpp"

#include <catch2/catch.hpp>

using opsd::format_percent;
using opsd::format_rate;
using opsd::progress_bar;

TEST_CASE("progress_bar fills floor(ratio * cells) cells", "[progress_text]") {
  CHECK(progress_bar(0, 10) == "----------");
  CHECK(progress_bar(0.42, 10) == "####------");
  CHECK(progress_bar(0.999, 10) == "#########-");
  CHECK(progress_bar(1, 10) == "##########");
  CHECK(progress_bar(1.7, 4) == "####");  // clamped
  CHECK(progress_bar(-1, 4) == "----");   // clamped
  CHECK(progress_bar(0.5, 4, "█", "░") == "██░░");
}

TEST_CASE("format_percent rounds down so that only a finished job shows 100%", "[progress_text]") {
  CHECK(format_percent(0) == "0%");
  CHECK(format_percent(0.29) == "29%");  // not 28% from 28.999...
  CHECK(format_percent(0.425) == "42%");
  CHECK(format_percent(0.9999) == "99%");
  CHECK(format_percent(1) == "100%");
  CHECK(format_percent(2) == "100%");
}

TEST_CASE("format_rate picks the unit that gives a number >= 1", "[progress_text]") {
  CHECK(format_rate(12) == "12/s");
  CHECK(format_rate(1.5) == "1.5/s");
  CHECK(format_rate(1234.6) == "1235/s");
  CHECK(format_rate(12.34) == "12.3/s");
  CHECK(format_rate(0.5) == "30/min");
  CHECK(format_rate(1.0 / 3600) == "1/h");
  CHECK(format_rate(0.25 / 3600) == "0.25/h");
  CHECK(format_rate(0) == "0/s");
  CHECK(format_rate(-3) == "0/s");
}

TEST_CASE("estimate_line shows what is known, in the report's locale", "[progress_text]") {
  constexpr opsd::TimeMs kNow = 1'700'000'000'000;
  opsd::ProgressEstimate e;
  CHECK(opsd::estimate_line(e, kNow, "en").empty());  // no ratio: no line
  e.ratio = 0.42;
  CHECK(opsd::estimate_line(e, kNow, "en") == "42%");
  e.rate_per_second = 12;
  e.eta = kNow + opsd::seconds(72 * 60);
  CHECK(opsd::estimate_line(e, kNow, "en") == "42% · 12/s · about 1h12m left");
  CHECK(opsd::estimate_line(e, kNow, "zh") == "42% · 12/s · 剩余约 1h12m");
}
