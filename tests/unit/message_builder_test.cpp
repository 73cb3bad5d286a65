#include "engine/message_builder.hpp"

#include <catch2/catch.hpp>

#include "engine_fixture.hpp"
#include "fixtures/fake_clock.hpp"
#include "util/clock.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

std::vector<ReportSection> sample_sections() {
  ReportSection a;
  a.job_id = "scan-photos";
  a.name = "Photo scan";
  a.kind = JobKind::long_running_read;
  a.state = "running (pid=42)";
  a.info = "hashing /data";
  a.progress_json =
      R"({"phase":"hash","files":1200,"pct":12.5,"ok":true,"nested":{"a":1},"a":null,"b":"x","c":3})";
  ReportSection b;
  b.job_id = "sync";
  b.name = "sync";
  b.kind = JobKind::long_running_read;
  b.state = "paused stopReason=crash";
  b.action_required = "需要你确认下一步（或启用 autoResume）";
  b.autorun = "suppressed (backoff 900s)";
  return {a, b};
}

LocalMinuteFn utc_plus_8() {
  return [](TimeMs t) { return static_cast<int>((t / 60000 + 8 * 60) % 1440); };
}

}  // namespace

TEST_CASE("the zh message keeps the original layout", "[message]") {
  const std::string expected =
      "🛠️ Ops 快报（06:13:20）\n"
      "\n"
      "• Photo scan (scan-photos, long_running_read)\n"
      "- 状态: running (pid=42)\n"
      "- 信息: hashing /data\n"
      "- 进度: a=null | b=x | c=3 | files=1200 | ok=true\n"
      "\n"
      "• sync (sync, long_running_read)\n"
      "- 状态: paused stopReason=crash\n"
      "- ACTION REQUIRED: 需要你确认下一步（或启用 autoResume）\n"
      "- AUTORUN: suppressed (backoff 900s)";
  CHECK(build_message(sample_sections(), kT0, "zh", utc_plus_8()) == expected);
}

TEST_CASE("the en message has English labels and the same layout", "[message]") {
  const std::string expected =
      "🛠️ Ops report (06:13:20)\n"
      "\n"
      "• Photo scan (scan-photos, long_running_read)\n"
      "- Status: running (pid=42)\n"
      "- Info: hashing /data\n"
      "- Progress: a=null | b=x | c=3 | files=1200 | ok=true\n"
      "\n"
      "• sync (sync, long_running_read)\n"
      "- Status: paused stopReason=crash\n"
      "- ACTION REQUIRED: 需要你确认下一步（或启用 autoResume）\n"
      "- AUTORUN: suppressed (backoff 900s)";
  CHECK(build_message(sample_sections(), kT0, "en", utc_plus_8()) == expected);
}

TEST_CASE("the header time comes from the clock's local minute", "[message]") {
  FakeClock clock(kT0);
  clock.utc_offset_minutes = -5 * 60;
  CHECK(build_message({}, kT0, "zh", clock) == "🛠️ Ops 快报（17:13:20）");
  CHECK(format_local_time(kT0 + 39 * 1000, utc_plus_8()) == "06:13:59");
}

TEST_CASE("the progress line shows the scalars among the first 6 sorted keys", "[message]") {
  // As the original: "nested" is one of the first 6 keys and is dropped, not replaced by "pct".
  CHECK(
      render_progress(
          R"({"phase":"hash","files":1200,"pct":12.5,"ok":true,"nested":{"a":1},"a":null,"b":"x","c":3})") ==
      "a=null | b=x | c=3 | files=1200 | ok=true");
  CHECK(render_progress(R"({"g":7,"f":6,"e":5,"d":4,"c":3,"b":2,"a":1})") ==
        "a=1 | b=2 | c=3 | d=4 | e=5 | f=6");
  CHECK(render_progress(R"({"list":[1,2],"obj":{},"x":false})") == "x=false");
  CHECK(render_progress(R"({"list":[1,2]})").empty());
  CHECK(render_progress("not json").empty());
  CHECK(render_progress("[1,2]").empty());
  CHECK(render_progress("").empty());
}

TEST_CASE("a field of only spaces is left out, as the original did", "[message]") {
  ReportSection s;
  s.job_id = s.name = "scan";
  s.kind = JobKind::long_running_read;
  s.state = "running";
  s.info = "   ";
  CHECK(render_section(s, "zh") == "• scan (scan, long_running_read)\n- 状态: running");
}

TEST_CASE("output on stdout and stderr stays one section: no blank line inside", "[message]") {
  ReportSection s;
  s.job_id = s.name = "r3";
  s.kind = JobKind::one_shot_read;
  s.state = "failed (exit=4)";
  s.info = "out\n\n  \nerr";
  CHECK(build_message({s}, kT0, "en", utc_plus_8()) ==
        "🛠️ Ops report (06:13:20)\n\n• r3 (r3, one_shot_read)\n- Status: failed (exit=4)\n"
        "- Info: out\nerr");
}

TEST_CASE("empty fields are left out of a section", "[message]") {
  ReportSection s;
  s.job_id = "r1";
  s.name = "check";
  s.kind = JobKind::one_shot_read;
  s.state = "failed (exit=3)";
  s.progress_json = "garbage";
  CHECK(render_section(s, "zh") == "• check (r1, one_shot_read)\n- 状态: failed (exit=3)");
}

TEST_CASE("the estimate line follows the progress line", "[message]") {
  ReportSection s;
  s.job_id = s.name = "scan";
  s.kind = JobKind::long_running_read;
  s.state = "running (pid=42)";
  s.progress_json = R"({"done":42,"total":100})";
  s.estimate = "42% · 12/s · 剩余约 1h12m";
  CHECK(render_section(s, "zh") ==
        "• scan (scan, long_running_read)\n- 状态: running (pid=42)\n- 进度: done=42 | total=100\n"
        "- 预计: 42% · 12/s · 剩余约 1h12m");
  s.estimate = "42% · 12/s · about 1h12m left";
  CHECK(render_section(s, "en").ends_with("\n- Estimate: 42% · 12/s · about 1h12m left"));
}
