#include "rpc/status_view.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "engine/backoff.hpp"
#include "rpc/protocol.hpp"

namespace json = boost::json;
using opsd::Config;
using opsd::DaemonInfo;
using opsd::Job;
using opsd::JobRuntime;
using opsd::JobState;
using opsd::State;
using opsd::StatusQuery;

namespace {

constexpr opsd::TimeMs kNow = 1'700'000'000'000;

Config two_jobs() {
  Config c;
  Job a;
  a.id = "scan";
  a.name = "Scan";
  a.enabled = true;
  Job b;
  b.id = "idle";
  b.name = "idle";
  c.jobs = {a, b};
  return c;
}

State scan_running() {
  State s;
  JobRuntime& rt = s.jobs["scan"];
  rt.state = JobState::running;
  rt.running = true;
  rt.pid = 42;
  rt.progress_json = R"({"done":3,"total":10})";
  rt.last_progress_at = kNow - 1000;
  rt.probe.ok = true;
  rt.probe.at = kNow - 500;
  rt.history.push_back({kNow - 2000, JobState::starting, JobState::running, "status: running"});
  return s;
}

DaemonInfo info() { return DaemonInfo{"1.2.3", 99, kNow - 60'000, "/c", "/s", "/sock", "print"}; }

// The answer as a document, for assertions.
json::object status(const Config& c, const State& s, StatusQuery q = {}) {
  return json::parse(opsd::render_status(c, s, info(), q, kNow)).as_object();
}

}  // namespace

TEST_CASE("status renders every configured job in config order with the schema fields",
          "[status_view]") {
  json::object out = status(two_jobs(), scan_running());
  CHECK(out.at("daemon").at("version") == "1.2.3");
  CHECK(out.at("daemon").at("pid") == 99);
  CHECK(out.at("daemon").at("startedAt") == "2023-11-14T22:12:20Z");
  const json::array& jobs = out.at("jobs").as_array();
  REQUIRE(jobs.size() == 2);
  const json::object& scan = jobs[0].as_object();
  CHECK(scan.size() == 32);  // the README's schema, with nextRunAt, lastExit and lastRun
  CHECK(scan.at("id") == "scan");
  CHECK(scan.at("name") == "Scan");
  CHECK(scan.at("state") == "running");
  CHECK(scan.at("running") == true);
  CHECK(scan.at("pid") == 42);
  CHECK(scan.at("ownedPid").is_null());
  CHECK(scan.at("adopted") == false);
  CHECK(scan.at("progress") == json::parse(R"({"done":3,"total":10})"));
  CHECK(scan.at("lastProgressAt") == "2023-11-14T22:13:19Z");
  CHECK(scan.at("probe").at("ok") == true);
  CHECK(scan.at("probe").at("at") == "2023-11-14T22:13:19Z");
  CHECK(scan.at("lastEvent").at("reason") == "status: running");
  CHECK(scan.at("lastEvent").at("from") == "starting");
  // A job never seen yet renders from a fresh runtime: stopped, nulls, no probe verdict.
  const json::object& idle = jobs[1].as_object();
  CHECK(idle.at("state") == "stopped");
  CHECK(idle.at("progress").is_null());
  CHECK(idle.at("probe").at("ok").is_null());
  CHECK(idle.at("lastEvent").is_null());
  CHECK(out.at("outbox").at("pending") == 0);
  CHECK(out.at("outbox").at("lastError").is_null());
}

TEST_CASE("status for one job keeps only that job and its queue items", "[status_view]") {
  State s = scan_running();
  s.queue.push_back(
      {"q-1", "scan", kNow, 0, "opsctl", opsd::QueueStatus::pending, std::nullopt, 0, 0, ""});
  s.queue.push_back(
      {"q-2", "idle", kNow, 0, "opsctl", opsd::QueueStatus::pending, std::nullopt, 0, 0, ""});
  json::object out = status(two_jobs(), s, StatusQuery{"idle", false});
  REQUIRE(out.at("jobs").as_array().size() == 1);
  CHECK(out.at("jobs").as_array()[0].at("id") == "idle");
  REQUIRE(out.at("queue").as_array().size() == 1);
  CHECK(out.at("queue").as_array()[0].at("id") == "q-2");
}

TEST_CASE("brief status keeps the table's fields and the unfinished queue items", "[status_view]") {
  State s = scan_running();
  s.queue.push_back({"q-1", "scan", kNow, 0, "opsctl", opsd::QueueStatus::done, 0, kNow, kNow, ""});
  s.queue.push_back(
      {"q-2", "idle", kNow, 0, "opsctl", opsd::QueueStatus::pending, std::nullopt, 0, 0, ""});
  json::object full = status(two_jobs(), s);
  json::object brief = status(two_jobs(), s, StatusQuery{"", true});
  const json::object& scan = brief.at("jobs").as_array()[0].as_object();
  for (const char* key :
       {"id", "kind", "state", "enabled", "pid", "progress", "lastProgressAt", "progressRatio",
        "ratePerSecond", "etaAt", "nextRunAt", "nextResumeAt", "muted", "probe"}) {
    INFO(key);
    REQUIRE(scan.contains(key));
    if (std::string_view(key) != "probe")
      CHECK(scan.at(key) == full.at("jobs").as_array()[0].at(key));
  }
  CHECK(scan.size() ==
        16);  // with nextRunAt, nextResumeAt, muted, lastExit, lastRun and the estimate
  CHECK_FALSE(scan.at("probe").as_object().contains("at"));
  CHECK(scan.at("probe").at("ok") == true);
  REQUIRE(brief.at("queue").as_array().size() == 1);
  CHECK(brief.at("queue").as_array()[0].at("id") == "q-2");
  CHECK(full.at("queue").as_array().size() == 2);
}

TEST_CASE("status escapes what jobs and probes report", "[status_view]") {
  State s = scan_running();
  s.jobs["scan"].message = "line one\nsaid \"hi\" \\ done";
  s.jobs["scan"].probe.ok = false;
  s.jobs["scan"].probe.error = std::string("bad\x01byte");
  json::object out = status(two_jobs(), s);
  const json::object& scan = out.at("jobs").as_array()[0].as_object();
  CHECK(scan.at("message") == "line one\nsaid \"hi\" \\ done");
  CHECK(scan.at("probe").at("error") == "bad\x01byte");
  CHECK(scan.at("probe").at("ok") == false);
}

TEST_CASE("auto-resumes count only the last hour's attempts", "[status_view]") {
  State s = scan_running();
  s.jobs["scan"].auto_resume_times = {kNow - 2 * 3600'000, kNow - 600'000, kNow - 1000};
  s.jobs["scan"].auto_resumes_total = 3;
  json::object out = status(two_jobs(), s);
  CHECK(out.at("jobs").as_array()[0].at("autoResumes") == 2);
  CHECK(out.at("jobs").as_array()[0].at("autoResumesTotal") == 3);
}

TEST_CASE("a status answer framed as a reply parses back to the same result", "[status_view]") {
  std::string text = opsd::render_status(two_jobs(), scan_running(), info(), {}, kNow);
  std::string framed = opsd::make_result_text(7, text);
  CHECK(framed.back() == '\n');
  opsd::ParsedResponse r = opsd::parse_response(framed.substr(0, framed.size() - 1));
  REQUIRE(r.result);
  CHECK(*r.result == json::parse(text));
  CHECK(r.id == 7);
}

TEST_CASE("expired and consumed approvals are left out of status", "[status_view]") {
  State s = scan_running();
  s.approvals.push_back({"scan", "abc", kNow - 10, kNow + 1000, 0, "ok", false});
  s.approvals.push_back({"scan", "abc", kNow - 10, kNow - 1, 0, "", false});
  s.approvals.push_back({"scan", "abc", kNow - 10, kNow + 1000, 0, "", true});
  json::object out = status(two_jobs(), s);
  REQUIRE(out.at("approvals").as_array().size() == 1);
  CHECK(out.at("approvals").as_array()[0].at("note") == "ok");
  CHECK(out.at("approvals").as_array()[0].at("uid") == 0);
}

TEST_CASE("status shows a scheduled job's next and last runs", "[status_view][schedule]") {
  Config c = two_jobs();
  c.jobs[0].schedule = opsd::Schedule{};
  c.jobs[0].schedule->every_seconds = 60;
  c.jobs[0].schedule->spec = "every 60s";
  State s = scan_running();
  s.jobs["scan"].schedule = opsd::ScheduleRuntime{kNow + 60'000, kNow + 60'000, kNow, "every 60s"};
  json::object full = status(c, s);
  const json::object& scan = full.at("jobs").as_array()[0].as_object();
  CHECK(scan.at("nextRunAt") == "2023-11-14T22:14:20Z");
  CHECK(scan.at("lastRunAt") == "2023-11-14T22:13:20Z");
  CHECK(scan.at("schedule") == "every 60s");
  const json::object& idle = full.at("jobs").as_array()[1].as_object();
  CHECK(idle.at("nextRunAt").is_null());
  CHECK(idle.at("schedule").is_null());
  json::object brief = status(c, s, StatusQuery{"", true});
  CHECK(brief.at("jobs").as_array()[0].at("schedule") == "every 60s");
  CHECK_FALSE(brief.at("jobs").as_array()[1].as_object().contains("schedule"));
}

TEST_CASE("status shows a mute and when the next auto-resume is due", "[status_view]") {
  Config c = two_jobs();
  c.jobs[0].policy.auto_resume_backoff_seconds = 60;
  State s = scan_running();
  JobRuntime& rt = s.jobs["scan"];
  rt.state = JobState::backoff;
  rt.last_auto_resume_at = kNow - 10'000;
  rt.resume_streak = 1;
  rt.mute = opsd::MuteRecord{kNow + 3'600'000, "disk swap", kNow, 1000};
  for (bool brief : {false, true}) {
    json::object out = status(c, s, StatusQuery{"", brief, opsd::next_resume_at});
    const json::object& scan = out.at("jobs").as_array()[0].as_object();
    CHECK(scan.at("nextResumeAt") == "2023-11-14T22:14:10Z");  // 50 s from now
    CHECK(scan.at("muted").at("until") == "2023-11-14T23:13:20Z");
    CHECK(scan.at("muted").at("note") == "disk swap");
    const json::object& idle = out.at("jobs").as_array()[1].as_object();
    CHECK(idle.at("nextResumeAt").is_null());
    CHECK(idle.at("muted").is_null());
  }
  rt.mute.until = kNow;  // it ended
  CHECK(status(c, s).at("jobs").as_array()[0].at("muted").is_null());
}

TEST_CASE("status says how the config file fared and what runs", "[status_view]") {
  DaemonInfo d = info();
  d.config = {"/c", false, {"error: version: must be 1, got 2"}, "last-good", "/s/lg.json"};
  for (bool brief : {false, true}) {
    StatusQuery q;
    q.brief = brief;
    json::object c = json::parse(opsd::render_status(two_jobs(), scan_running(), d, q, kNow))
                         .as_object()
                         .at("config")
                         .as_object();
    CHECK(c.at("path") == "/c");
    CHECK(c.at("ok") == false);
    CHECK(c.at("errors") == json::array{"error: version: must be 1, got 2"});
    CHECK(c.at("running") == "last-good");
    CHECK(c.at("lastGood") == "/s/lg.json");
  }
  CHECK(status(two_jobs(), scan_running()).at("config").at("ok") == true);
}

TEST_CASE("status gives progressRatio, ratePerSecond and etaAt, null when unknown",
          "[status_view]") {
  State s = scan_running();
  opsd::ProgressEstimate& e = s.jobs["scan"].progress_history.estimate;
  e.ratio = 0.3;
  e.rate_per_second = 1.0 / 3;
  e.eta = kNow + 21'000;
  for (bool brief : {false, true}) {
    INFO(brief);
    json::object out = status(two_jobs(), s, StatusQuery{"", brief});
    const json::object& scan = out.at("jobs").at(0).as_object();
    CHECK(scan.at("progressRatio").as_double() == Approx(0.3));
    CHECK(scan.at("ratePerSecond").as_double() == Approx(0.333333));
    CHECK(scan.at("etaAt") == "2023-11-14T22:13:41Z");
    const json::object& idle = out.at("jobs").at(1).as_object();
    CHECK(idle.at("progressRatio").is_null());
    CHECK(idle.at("ratePerSecond").is_null());
    CHECK(idle.at("etaAt").is_null());
  }
  e.ratio = 1;
  e.rate_per_second = 0;
  e.eta.reset();
  const json::object scan = status(two_jobs(), s).at("jobs").at(0).as_object();
  CHECK(scan.at("progressRatio").to_number<double>() == 1);
  CHECK(scan.at("ratePerSecond").to_number<double>() == 0);
  CHECK(scan.at("etaAt").is_null());
}

TEST_CASE("an adopted job says so, also in the brief form", "[status_view][adopt]") {
  State s = scan_running();
  s.jobs["scan"].owned_pid = 42;
  s.jobs["scan"].owned.adopted = true;
  const json::object full = status(two_jobs(), s);
  CHECK(full.at("jobs").as_array()[0].at("adopted") == true);
  const json::object brief = status(two_jobs(), s, StatusQuery{"", true});
  CHECK(brief.at("jobs").as_array()[0].at("adopted") == true);
}
