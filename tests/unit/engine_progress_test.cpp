// The engine and progress estimates: probes record ratio, rate and ETA (engine/progress_rate.hpp),
// reports show them, and a slower rate is never a stall.
#include <catch2/catch.hpp>
#include <string>

#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

// A running report whose progress is {"done": done, "total": total}.
ProbeResult at_count(double done, double total, const std::string& done_key = "done",
                     const std::string& total_key = "total") {
  StatusReport r;
  r.running = true;
  r.pid = 4242;
  r.progress_json = "{\"" + done_key + "\":" + std::to_string(static_cast<long long>(done)) +
                    ",\"" + total_key + "\":" + std::to_string(static_cast<long long>(total)) + "}";
  r.progress_key = r.progress_json;
  return ProbeResult{r, ""};
}

const JobRuntime& rt(const Engine& e, const std::string& id) { return e.state().jobs.at(id); }

}  // namespace

TEST_CASE("a job whose rate drops to a small fraction of its recent rate is not a stall",
          "[engine_progress]") {
  Job job = long_job("scan");
  job.policy.stall_seconds = 600;
  job.policy.poll_seconds = 60;
  Engine e(config_of({job}), State{});
  double done = 0;
  TimeMs t = kT0;
  for (int i = 0; i < 20; ++i, t += seconds(60)) {  // 100 per second for 20 minutes
    done += 6000;
    REQUIRE(alerts(e.on_probe_result("scan", at_count(done, 1e7), t)).empty());
  }
  const double fast = *rt(e, "scan").progress_history.estimate.rate_per_second;
  CHECK(fast == Approx(100));
  for (int i = 0; i < 60; ++i, t += seconds(60)) {  // then 1 per second (1%) for an hour
    done += 60;
    INFO(i);
    REQUIRE(alerts(e.on_probe_result("scan", at_count(done, 1e7), t)).empty());
    REQUIRE(rt(e, "scan").state == JobState::running);
  }
  const ProgressEstimate& slow = rt(e, "scan").progress_history.estimate;
  REQUIRE(slow.rate_per_second);
  CHECK(*slow.rate_per_second == Approx(1));
  CHECK(*slow.rate_per_second < fast * 0.05);
  CHECK(slow.eta);
  // Whereas progress that does not move at all for stallSeconds is one.
  t += seconds(600);
  CHECK(alerts(e.on_probe_result("scan", at_count(done, 1e7), t)).size() == 1);
  CHECK(rt(e, "scan").state == JobState::stalled);
}

TEST_CASE("probes record the estimate; routine reports show it on their own line",
          "[engine_progress]") {
  Job job = long_job("scan");
  job.policy.report_every_seconds = 3600;
  Engine e(config_of({job}), State{});
  (void)e.on_probe_result("scan", at_count(100, 1000), kT0);
  const Step moved = e.on_probe_result("scan", at_count(220, 1000), kT0 + seconds(60));
  const ProgressEstimate& est = rt(e, "scan").progress_history.estimate;
  CHECK(*est.ratio == Approx(0.22));
  CHECK(*est.rate_per_second == Approx(2));
  CHECK(*est.eta == kT0 + seconds(60 + 390));  // 780 left at 2/s
  auto reports = only<Notify>(moved);
  REQUIRE(reports.size() == 1);  // onlyOnChange: the progress moved
  CHECK(reports[0].section.estimate == "22% · 2/s · 剩余约 6m");
  // An unchanged probe moves only the estimate: no report, and the state file is not written.
  const Step same = e.on_probe_result("scan", at_count(220, 1000), kT0 + seconds(120));
  CHECK(only<Notify>(same).empty());
  CHECK_FALSE(same.state_changed);
  CHECK(*rt(e, "scan").progress_history.estimate.rate_per_second == Approx(1));
}

TEST_CASE("policy.progressKeys chooses the keys the ratio is read from", "[engine_progress]") {
  Job job = long_job("scan");
  job.policy.progress_keys.done = "scanned";
  job.policy.progress_keys.total = "hosts";
  Engine e(config_of({job}), State{});
  (void)e.on_probe_result("scan", at_count(30, 40, "scanned", "hosts"), kT0);
  CHECK(*rt(e, "scan").progress_history.estimate.ratio == Approx(0.75));
  (void)e.on_probe_result("scan", at_count(30, 40), kT0 + seconds(60));  // other keys: no ratio
  CHECK_FALSE(rt(e, "scan").progress_history.estimate.ratio);
}

TEST_CASE("a job that is not running keeps its ratio but has no rate or ETA", "[engine_progress]") {
  Engine e(config_of({long_job("scan")}), State{});
  (void)e.on_probe_result("scan", at_count(100, 1000), kT0);
  (void)e.on_probe_result("scan", at_count(400, 1000), kT0 + seconds(60));
  ProbeResult done = at_count(1000, 1000);
  done.report->running = false;
  done.report->completed = true;
  const Step end = e.on_probe_result("scan", done, kT0 + seconds(120));
  const ProgressEstimate& est = rt(e, "scan").progress_history.estimate;
  CHECK(est.ratio == 1.0);
  CHECK_FALSE(est.rate_per_second);
  CHECK_FALSE(est.eta);
  for (const Notify& n : only<Notify>(end)) CHECK(n.section.estimate.empty());
}
