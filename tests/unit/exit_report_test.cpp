#include "engine/exit_report.hpp"

#include "engine/job_report.hpp"

#include <catch2/catch.hpp>
#include <csignal>

#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

TEST_CASE("exits are named by code or signal", "[exit_report]") {
  CHECK(exit_name(3, 0) == "exit 3");
  CHECK(exit_name(std::nullopt, SIGSEGV) == "SIGSEGV");
  ExitRecord e = exit_record_of(ExitInfo{-SIGKILL, 5000, "x"}, kT0);
  CHECK_FALSE(e.code);
  CHECK(e.signal == SIGKILL);
  CHECK_FALSE(e.judged);
}

TEST_CASE("a crash section clips a long log to its end", "[exit_report]") {
  Job j = long_job("scan");
  JobRuntime rt;
  rt.state = JobState::failed;
  ExitRecord e = exit_record_of(ExitInfo{1, 1000, std::string(5000, 'x') + "\nthe end\n"}, kT0);
  ReportSection s = crash_section(j, rt, e, kT0, "en");
  CHECK(s.info.size() < kMaxLogTailInReport + 40);
  CHECK(s.info.find("the end") != std::string::npos);
  CHECK(s.state == "💥 crashed (exit code 1, after 1.0s)");
  ReportSection zh = crash_section(j, rt, e, kT0, "zh");
  CHECK(zh.state.find("退出码 1") != std::string::npos);
}

TEST_CASE("a given-up crash asks for opsctl start", "[exit_report]") {
  Job j = long_job("scan", true);
  JobRuntime rt;
  rt.state = JobState::given_up;
  ReportSection s = crash_section(j, rt, exit_record_of(ExitInfo{2, 0, ""}, kT0), kT0, "en");
  CHECK(s.autorun == "given up (5 attempts within 1h)");
  CHECK(s.action_required == "check it, then run opsctl start scan");
  CHECK(s.info == "its log is empty");
}

TEST_CASE("run state lines say how a one-shot ended", "[exit_report]") {
  OneShotResult r;
  r.exit_code = 0;
  r.duration_ms = 400;
  JobRun ok = run_record_of(r, 1, "run", kT0, kT0 + 400);
  CHECK(ok.ok);
  CHECK(run_state_line(ok, 3600) == "done (exit=0) in 0.4s");
  r.exit_code = -SIGSEGV;
  CHECK(run_state_line(run_record_of(r, 2, "run", 0, kT0), 3600) == "killed by SIGSEGV after 0.4s");
  r.exit_code = 127;
  r.error = "no such file: check";
  JobRun never = run_record_of(r, 3, "run", 0, kT0);
  CHECK(run_state_line(never, 3600) == "did not run");
  CHECK(never.stderr_tail == "no such file: check");
  CHECK(never.started_at == kT0 - 400);
}

TEST_CASE("the report's output quotes the matching lines before the tail", "[exit_report]") {
  OneShotResult r;
  r.markers = {"ALERT: a", "ALERT: b"};
  r.marker_count = 5;
  r.stdout_tail = std::string(3000, 'y') + "\ntail end";
  std::string out = run_output_text(r);
  CHECK(out.find("ALERT: a\nALERT: b\n(+3 more)\n…\n") == 0);
  CHECK(out.find("tail end") != std::string::npos);
  CHECK(out.size() < kMaxOutputInReport);
}

TEST_CASE("matching lines with invalid UTF-8 are made valid", "[exit_report]") {
  OneShotResult r;
  r.exit_code = 0;
  r.markers = {"ALERT: \xff\xfe bad bytes"};
  r.marker_count = 1;
  JobRun rec = run_record_of(r, 1, "run", 0, kT0);
  REQUIRE(rec.markers.size() == 1);
  CHECK(rec.markers[0].find('\xff') == std::string::npos);
  CHECK(rec.markers[0].find("bad bytes") != std::string::npos);
  CHECK(run_output_text(r).find('\xff') == std::string::npos);
}

TEST_CASE("an exit's log tail is kept valid and bounded", "[exit_report]") {
  ExitRecord e = exit_record_of(ExitInfo{1, 0, std::string(5000, 'x') + "\xff end\n"}, kT0);
  CHECK(e.log_tail.size() <= kMaxLogTailInReport + 8);  // "…" and a U+FFFD
  CHECK(e.log_tail.find('\xff') == std::string::npos);
  CHECK(e.log_tail.find("end") != std::string::npos);
}

TEST_CASE("a matching line within the quoted end is quoted once", "[exit_report]") {
  OneShotResult r;
  r.markers = {"ALERT marker-7"};
  r.marker_count = 1;
  r.stdout_tail = "ALERT marker-7\n";
  CHECK(run_output_text(r) == "ALERT marker-7");
}
