#include "engine/report_policy.hpp"

#include <catch2/catch.hpp>

#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

ReportInput running_input(const std::string& content) {
  ReportSection s;
  s.state = "running";
  s.progress_json = content;
  ReportInput in;
  in.status_class = "running";
  in.digest = report_digest("running", s);
  in.progress_key = content;
  in.running = true;
  return in;
}

// A runtime that reported `in` at `at`.
JobRuntime reported(const ReportInput& in, TimeMs at) {
  JobRuntime rt;
  record_report(rt, in, ReportKind::routine, at);
  return rt;
}

}  // namespace

TEST_CASE("reminders come no more often than max(900 s, reportEverySeconds)", "[report]") {
  Policy p = test_policy();
  p.report_every_seconds = 600;
  CHECK(reminder_interval(p) == seconds(900));
  p.report_every_seconds = 1800;
  CHECK(reminder_interval(p) == seconds(1800));
}

TEST_CASE("a new anomaly alerts once, then reminds at the reminder interval", "[report]") {
  Policy p = test_policy();
  p.report_every_seconds = 600;
  ReportInput in = running_input("{}");
  in.anomaly_key = "stalled:k";
  JobRuntime rt;
  REQUIRE(decide_report(rt, p, in, kT0) == ReportKind::alert);
  record_report(rt, in, ReportKind::alert, kT0);
  CHECK(rt.last_anomaly_key == "stalled:k");
  CHECK(decide_report(rt, p, in, kT0 + seconds(899)) == ReportKind::none);
  REQUIRE(decide_report(rt, p, in, kT0 + seconds(900)) == ReportKind::reminder);
  record_report(rt, in, ReportKind::reminder, kT0 + seconds(900));
  CHECK(decide_report(rt, p, in, kT0 + seconds(1000)) == ReportKind::none);
  in.anomaly_key = "probe";
  CHECK(decide_report(rt, p, in, kT0 + seconds(1000)) == ReportKind::alert);
}

TEST_CASE("an anomaly that goes away gives one recovery notice", "[report]") {
  Policy p = test_policy();
  ReportInput in = running_input("{}");
  in.anomaly_key = "stalled:k";
  JobRuntime rt;
  record_report(rt, in, ReportKind::alert, kT0);
  in.anomaly_key.clear();
  in.quiet = true;  // recoveries are not routine: quiet hours do not hold them
  REQUIRE(decide_report(rt, p, in, kT0 + 1) == ReportKind::recovery);
  record_report(rt, in, ReportKind::recovery, kT0 + 1);
  CHECK(rt.last_anomaly_key.empty());
  CHECK(decide_report(rt, p, in, kT0 + 2) == ReportKind::none);
}

TEST_CASE("quiet hours suppress routine reports but not alerts", "[report]") {
  Policy p = test_policy();
  ReportInput in = running_input("{\"n\":1}");
  in.quiet = true;
  JobRuntime rt;
  CHECK(decide_report(rt, p, in, kT0) == ReportKind::none);
  in.anomaly_key = "paused:";
  CHECK(decide_report(rt, p, in, kT0) == ReportKind::alert);
}

TEST_CASE("a status class change is reported at once", "[report]") {
  Policy p = test_policy();
  JobRuntime rt = reported(running_input("{\"n\":1}"), kT0);
  ReportInput done;
  done.status_class = "completed";
  done.digest = "completed|0";
  CHECK(decide_report(rt, p, done, kT0 + 1) == ReportKind::routine);
}

TEST_CASE("a running job reports a sign of life every reportEverySeconds, even unchanged",
          "[report]") {
  for (bool only_on_change : {true, false}) {
    Policy p = test_policy();
    p.report_every_seconds = 1800;
    p.only_on_change = only_on_change;
    const ReportInput a = running_input("{\"n\":1}");
    JobRuntime rt = reported(a, kT0);
    CHECK(decide_report(rt, p, a, kT0 + seconds(1799)) == ReportKind::none);
    CHECK(decide_report(rt, p, a, kT0 + seconds(1800)) == ReportKind::routine);
  }
}

TEST_CASE("onlyOnChange: a progressKey change is reported at once, no change is not", "[report]") {
  Policy p = test_policy();
  p.report_every_seconds = 1800;
  const ReportInput a = running_input("{\"n\":1}");
  const ReportInput b = running_input("{\"n\":2}");
  JobRuntime rt = reported(a, kT0);
  CHECK(decide_report(rt, p, a, kT0 + seconds(60)) == ReportKind::none);
  CHECK(decide_report(rt, p, b, kT0 + seconds(60)) == ReportKind::routine);
  record_report(rt, b, ReportKind::routine, kT0 + seconds(60));
  CHECK(decide_report(rt, p, b, kT0 + seconds(120)) == ReportKind::none);
}

TEST_CASE("without onlyOnChange a progress change waits for reportEverySeconds", "[report]") {
  Policy p = test_policy();
  p.only_on_change = false;
  const ReportInput a = running_input("{\"n\":1}");
  const ReportInput b = running_input("{\"n\":2}");
  JobRuntime rt = reported(a, kT0);
  CHECK(decide_report(rt, p, b, kT0 + seconds(1799)) == ReportKind::none);
  CHECK(decide_report(rt, p, b, kT0 + seconds(1800)) == ReportKind::routine);
}

TEST_CASE("reportWhileRunning=false keeps a running job quiet until its status changes",
          "[report]") {
  Policy p = test_policy();
  p.report_while_running = false;
  JobRuntime rt = reported(running_input("{\"n\":1}"), kT0);
  CHECK(decide_report(rt, p, running_input("{\"n\":9}"), kT0 + seconds(9999)) == ReportKind::none);
}

TEST_CASE("the report digest depends on content and carries the status class", "[report]") {
  ReportSection s;
  s.state = "running";
  s.progress_json = "{\"n\":1}";
  const std::string d1 = report_digest("running", s);
  CHECK(digest_class(d1) == "running");
  CHECK(report_digest("running", s) == d1);
  s.progress_json = "{\"n\":2}";
  CHECK(report_digest("running", s) != d1);
  CHECK(digest_class("") == "");
}
