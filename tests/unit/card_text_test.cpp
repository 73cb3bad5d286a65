#include "engine/card_text.hpp"

#include <catch2/catch.hpp>

using opsd::ReportSection;
using opsd::TimeMs;

namespace {

constexpr TimeMs kNow = 1'700'000'000'000;

ReportSection running() {
  ReportSection s;
  s.job_id = "scan";
  s.name = "Nightly scan";
  s.state = "running (pid=42)";
  s.progress_json = R"({"done":4,"total":10})";
  s.progress_ratio = 0.4;
  return s;
}

int utc(TimeMs t) { return static_cast<int>((t / 60'000) % 1440); }

}  // namespace

TEST_CASE("card: name, state, bar with the progress keys, update time", "[card]") {
  const std::string card = opsd::render_card(running(), false, kNow, "en", utc);
  CHECK(card ==
        "📋 Nightly scan (scan)\n"
        "- State: running (pid=42)\n"
        "- Progress: ▓▓▓▓░░░░░░ 40% · done=4 | total=10\n"
        "- Updated: 22:13:20");
}

TEST_CASE("card: rate and ETA are shown when known, zh labels by default", "[card]") {
  ReportSection s = running();
  s.rate_per_second = 2.5;
  s.eta_at = kNow + 60'000;
  const std::string card = opsd::render_card(s, false, kNow, "zh", utc);
  CHECK_THAT(card, Catch::Contains("- 速率: 2.5/s · ETA 22:14:20"));
  CHECK_THAT(card, Catch::Contains("- 状态: running (pid=42)"));
}

TEST_CASE("card: the final state says how the run ended", "[card]") {
  ReportSection s = running();
  s.state = "completed ✅";
  s.started_at = kNow - (2 * 3600 + 13 * 60) * 1000LL;
  CHECK_THAT(opsd::render_card(s, true, kNow, "en", utc),
             Catch::Contains("- State: completed in 2h 13m"));
  s.state = "stopped";
  CHECK_THAT(opsd::render_card(s, true, kNow, "en", utc), Catch::Contains("- State: stopped in"));
  s.state = "paused";
  CHECK_THAT(opsd::render_card(s, true, kNow, "en", utc), Catch::Contains("- State: crashed"));
}

TEST_CASE("card: the bar is clamped and absent without a ratio", "[card]") {
  CHECK(opsd::card_bar(std::nullopt).empty());
  CHECK(opsd::card_bar(1.7) == "▓▓▓▓▓▓▓▓▓▓ 100%");
  CHECK(opsd::card_bar(-1) == "░░░░░░░░░░ 0%");
}
