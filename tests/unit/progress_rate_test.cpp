#include "engine/progress_rate.hpp"

#include <catch2/catch.hpp>
#include <string>

using opsd::estimate_progress;
using opsd::kRateWindow;
using opsd::ProgressHistory;
using opsd::ProgressKeys;
using opsd::ProgressSample;
using opsd::read_progress;
using opsd::record_progress;
using opsd::seconds;
using opsd::TimeMs;

namespace {

constexpr TimeMs kT0 = 1'700'000'000'000;

// Feeds `done` (out of `total`) seen at kT0 + t seconds, as the engine does on each probe.
void probe(ProgressHistory& h, std::int64_t t, double done, double total = 1000) {
  record_progress(h, ProgressSample{kT0 + seconds(t), done, total}, kT0 + seconds(t));
}

TimeMs at(std::int64_t t) { return kT0 + seconds(t); }

}  // namespace

TEST_CASE("read_progress finds done/total and percent under their usual names", "[progress_rate]") {
  const ProgressKeys usual;
  auto s = read_progress(R"({"done":12,"total":120,"phase":"hosts"})", usual, at(0));
  REQUIRE(s);
  CHECK(s->done == 12);
  CHECK(s->total == 120);
  CHECK(s->at == at(0));
  for (const char* k : {"processed", "completed", "current", "scanned", "finished", "count"}) {
    INFO(k);
    auto r = read_progress(std::string(R"({")") + k + R"(":3,"total":4})", usual, 0);
    REQUIRE(r);
    CHECK(r->done == 3);
  }
  auto p = read_progress(R"({"percent":42.5})", usual, 0);
  REQUIRE(p);
  CHECK(p->done == 42.5);
  CHECK(p->total == 100);
  CHECK(read_progress(R"({"pct":"42%"})", usual, 0)->done == 42);
  CHECK(read_progress(R"({"done":"7","total":"10"})", usual, 0)->done == 7);  // numeric strings
  // No ratio: no pair, total 0, a negative or non-numeric value, not an object.
  CHECK_FALSE(read_progress(R"({"done":12})", usual, 0));
  CHECK_FALSE(read_progress(R"({"done":0,"total":0})", usual, 0));
  CHECK_FALSE(read_progress(R"({"done":-1,"total":10})", usual, 0));
  CHECK_FALSE(read_progress(R"({"done":true,"total":10})", usual, 0));
  CHECK_FALSE(read_progress(R"({"done":"many","total":10})", usual, 0));
  CHECK_FALSE(read_progress(R"({"phase":"hosts"})", usual, 0));
  CHECK_FALSE(read_progress("[1,2]", usual, 0));
  CHECK_FALSE(read_progress("", usual, 0));
}

TEST_CASE("read_progress uses policy.progressKeys when they are set", "[progress_rate]") {
  ProgressKeys pair;
  pair.done = "scanned";
  pair.total = "hosts";
  auto s = read_progress(R"({"scanned":30,"hosts":40,"done":1,"total":2})", pair, 0);
  REQUIRE(s);
  CHECK(s->done == 30);
  CHECK(s->total == 40);
  CHECK_FALSE(read_progress(R"({"done":1,"total":2})", pair, 0));  // only the named keys
  ProgressKeys pct;
  pct.percent = "stats.pct";  // a dotted path walks nested objects
  auto p = read_progress(R"({"stats":{"pct":"12.5 %"}})", pct, 0);
  REQUIRE(p);
  CHECK(p->done == 12.5);
  CHECK(p->total == 100);
  ProgressKeys dotted;
  dotted.percent = "a.b";  // a key that has the dot itself wins
  CHECK(read_progress(R"({"a.b":5,"a":{"b":6}})", dotted, 0)->done == 5);
}

TEST_CASE("steady progress: the rate is the slope and the ETA the time left at it",
          "[progress_rate]") {
  ProgressHistory h;
  probe(h, 0, 0, 1200);
  CHECK(*h.estimate.ratio == Approx(0));
  CHECK_FALSE(h.estimate.rate_per_second);  // one reading: unknown
  CHECK_FALSE(h.estimate.eta);
  for (int t = 60; t <= 1200; t += 60) probe(h, t, t / 2.0, 1200);  // 0.5 per second
  REQUIRE(h.estimate.ratio);
  CHECK(*h.estimate.ratio == Approx(0.5));
  REQUIRE(h.estimate.rate_per_second);
  CHECK(*h.estimate.rate_per_second == Approx(0.5));
  REQUIRE(h.estimate.eta);
  CHECK(*h.estimate.eta == at(1200 + 1200));  // 600 left at 0.5/s
}

TEST_CASE("bursty progress: the rate averages the bursts over the window", "[progress_rate]") {
  // +1000 every 5 minutes, probed every minute; in between nothing moves.
  ProgressHistory h;
  for (int t = 0; t <= 3600; t += 60) {
    probe(h, t, 1000.0 * (t / 300), 100000);
    if (t < 900) continue;
    INFO(t);
    REQUIRE(h.estimate.rate_per_second);
    CHECK(*h.estimate.rate_per_second == Approx(1000.0 / 300).epsilon(0.25));
    REQUIRE(h.estimate.eta);
  }
  // Right after a burst and right before the next one the window holds the same two bursts.
  CHECK(*h.estimate.rate_per_second == Approx(2000.0 / 600));
}

TEST_CASE("stalled progress: the rate falls to 0 within a window and the ETA is unknown",
          "[progress_rate]") {
  ProgressHistory h;
  for (int t = 0; t <= 600; t += 60) probe(h, t, t * 1.0);
  CHECK(*h.estimate.rate_per_second == Approx(1));
  probe(h, 900, 600);  // unchanged for 5 minutes: half the window moved
  CHECK(*h.estimate.rate_per_second == Approx(0.5));
  REQUIRE(h.estimate.eta);
  CHECK(*h.estimate.eta == at(900 + 800));  // 400 left at 0.5/s
  probe(h, 1200, 600);                      // unchanged for a whole window
  REQUIRE(h.estimate.rate_per_second);
  CHECK(*h.estimate.rate_per_second == 0);
  CHECK_FALSE(h.estimate.eta);
  CHECK(*h.estimate.ratio == Approx(0.6));
  // One reading held for a whole window is a known rate of 0 too.
  ProgressHistory one;
  probe(one, 0, 5);
  probe(one, 600, 5);
  CHECK(one.estimate.rate_per_second == 0.0);
}

TEST_CASE("a total that changes within the window makes the ETA unknown, not the rate",
          "[progress_rate]") {
  ProgressHistory h;
  for (int t = 0; t <= 600; t += 60) probe(h, t, t * 1.0, 2000);
  REQUIRE(h.estimate.eta);
  probe(h, 660, 660, 2100);  // +5%: within the tolerance
  CHECK(h.estimate.eta);
  probe(h, 720, 720, 3000);  // +50%: the job found more work
  CHECK(*h.estimate.rate_per_second == Approx(1));
  CHECK(*h.estimate.ratio == Approx(0.24));
  CHECK_FALSE(h.estimate.eta);
  for (int t = 780; t <= 1380; t += 60) probe(h, t, t * 1.0, 3000);  // steady again
  REQUIRE(h.estimate.eta);
  CHECK(*h.estimate.eta == at(1380 + 1620));
}

TEST_CASE("a job that starts over starts a new history", "[progress_rate]") {
  ProgressHistory h;
  for (int t = 0; t <= 300; t += 60) probe(h, t, t * 2.0);
  probe(h, 360, 10);  // done went back
  REQUIRE(h.samples.size() == 1);
  CHECK_FALSE(h.estimate.rate_per_second);
  probe(h, 420, 70);
  CHECK(*h.estimate.rate_per_second == Approx(1));
}

TEST_CASE("a reading without a ratio clears the history", "[progress_rate]") {
  ProgressHistory h;
  probe(h, 0, 1);
  probe(h, 60, 61);
  record_progress(h, std::nullopt, at(120));
  CHECK(h.samples.empty());
  CHECK(h.estimate == opsd::ProgressEstimate{});
}

TEST_CASE("the history stays bounded however often and long a job is probed", "[progress_rate]") {
  ProgressHistory h;
  for (int t = 0; t <= 20000; ++t) probe(h, t, t * 3.0, 1e9);
  CHECK(h.samples.size() <= ProgressHistory::kMaxSamples);
  CHECK(h.samples.front().at <= at(20000) - kRateWindow);  // still covers the window
  CHECK(*h.estimate.rate_per_second == Approx(3).epsilon(0.05));
  // An unchanged reading adds nothing.
  const std::size_t n = h.samples.size();
  probe(h, 20001, 60000, 1e9);
  probe(h, 20002, 60000, 1e9);
  CHECK(h.samples.size() <= n + 1);
}

TEST_CASE("estimate_progress: nothing left or an absurdly far ETA is no ETA", "[progress_rate]") {
  CHECK(estimate_progress({}, at(0)) == opsd::ProgressEstimate{});
  auto done = estimate_progress({{at(0), 10, 100}, {at(60), 100, 100}}, at(60));
  CHECK(*done.ratio == 1);
  CHECK(*done.rate_per_second == Approx(1.5));
  CHECK_FALSE(done.eta);
  auto over = estimate_progress({{at(0), 10, 100}, {at(60), 120, 100}}, at(60));
  CHECK(*over.ratio == 1);  // clamped
  auto slow = estimate_progress({{at(0), 0, 1e12}, {at(60), 1, 1e12}}, at(60));
  CHECK(slow.rate_per_second);
  CHECK_FALSE(slow.eta);
}

TEST_CASE("a report that says the job does not run keeps only its ratio", "[progress_rate]") {
  ProgressHistory h;
  opsd::StatusReport r;
  r.running = true;
  r.progress_json = R"({"done":10,"total":100})";
  opsd::record_report_progress(h, r, {}, at(0));
  r.progress_json = R"({"done":70,"total":100})";
  opsd::record_report_progress(h, r, {}, at(60));
  CHECK(*h.estimate.rate_per_second == Approx(1));
  r.running = false;
  r.completed = true;
  r.progress_json = R"({"done":100,"total":100})";
  opsd::record_report_progress(h, r, {}, at(120));
  CHECK(h.samples.empty());
  CHECK(*h.estimate.ratio == 1);
  CHECK_FALSE(h.estimate.rate_per_second);
  CHECK_FALSE(h.estimate.eta);
}
