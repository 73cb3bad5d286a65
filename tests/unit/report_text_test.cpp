#include "engine/report_text.hpp"

#include <catch2/catch.hpp>

using opsd::Text;
using opsd::text;

TEST_CASE("report texts come in zh by default and in en for locale en", "[report_text]") {
  CHECK(text(Text::header, "zh") == "🛠️ Ops 快报");
  CHECK(text(Text::header, "en") == "🛠️ Ops report");
  CHECK(text(Text::label_status, "") == "状态");  // anything but "en" is zh
  CHECK(text(Text::label_status, "en") == "Status");
  CHECK(text(Text::write_failed_action, "zh") == "写任务失败，请检查");
  CHECK(text(Text::write_failed_action, "en") == "the write failed: check it");
}

TEST_CASE("placeholders are filled in order", "[report_text]") {
  CHECK(text(Text::given_up_action, "en", {"5", "scan"}) ==
        "auto-resume gave up (5 attempts within 1h): check, then run opsctl start scan");
  CHECK(text(Text::given_up_action, "zh", {"5", "scan"}) ==
        "自动恢复已放弃（1 小时内 5 次），检查后运行 opsctl start scan");
  CHECK(text(Text::verification_still_runs, "en", {"v, commands.verify"}) ==
        " (verification still runs: v, commands.verify)");
  CHECK(text(Text::write_failed_state, "zh", {"3"}) == "❌ write failed (exit=3)");
  // A missing argument leaves its placeholder; an argument may itself contain "{}".
  CHECK(text(Text::state_not_saved_info, "en", {"/s"}) == "cannot write /s: {}");
  CHECK(text(Text::verified_state, "en", {"{}"}) == "✅ verified ({})");
}

TEST_CASE("status and AUTORUN lines read the same in both locales", "[report_text]") {
  for (Text t : {Text::status_probe_failed, Text::write_failed_state, Text::verified_state,
                 Text::verification_failed_state, Text::autorun_backoff, Text::crash_loop_state,
                 Text::state_not_saved_state})
    CHECK(text(t, "zh") == text(t, "en"));
}
