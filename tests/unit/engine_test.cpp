// Engine behaviour for long_running_read jobs: startup, polls, probe failures, stalls,
// auto-resume, start/stop, reload, quiet hours. Explicit `now`, no sleeping.
#include "engine/engine.hpp"

#include <catch2/catch.hpp>

#include "engine_fixture.hpp"
#include "fixtures/fake_clock.hpp"
#include "util/clock.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

State state_with(const std::string& id, JobState s, bool running) {
  State st;
  st.jobs[id].state = s;
  st.jobs[id].running = running;
  return st;
}

const JobRuntime& rt_of(const Engine& e, const std::string& id) { return e.state().jobs.at(id); }

}  // namespace

TEST_CASE("startup probes a job persisted as running and resumes it when allowed", "[engine]") {
  Engine e(config_of({long_job("scan", true)}), state_with("scan", JobState::running, true));
  const Actions start = e.on_startup(kT0).actions;
  REQUIRE(only<LaunchProbe>(start).size() == 1);
  CHECK(only<LaunchStart>(start).empty());
  const Actions a = e.on_probe_result("scan", not_running(), kT0 + 100).actions;
  REQUIRE(only<LaunchStart>(a).size() == 1);
  CHECK(rt_of(e, "scan").state == JobState::starting);
  REQUIRE(only<Notify>(a).size() == 1);
  CHECK(only<Notify>(a)[0].section.autorun == "resumed (attempt 1/5 within 1h)");
}

TEST_CASE("startup reports a formerly running job as paused with ACTION REQUIRED", "[engine]") {
  Engine e(config_of({long_job("scan", false)}), state_with("scan", JobState::running, true));
  (void)e.on_startup(kT0);
  const Actions a = e.on_probe_result("scan", not_running("crash"), kT0 + 100).actions;
  CHECK(only<LaunchStart>(a).empty());
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.state == "paused stopReason=crash");
  CHECK(alerts(a)[0].section.action_required == "需要你确认下一步（或启用 autoResume）");
  CHECK(rt_of(e, "scan").state == JobState::failed);
}

TEST_CASE("polls follow pollSeconds, one probe in flight at a time", "[engine]") {
  Engine e(config_of({long_job("scan")}), State{});
  REQUIRE(only<LaunchProbe>(e.on_startup(kT0).actions).size() == 1);
  CHECK(only<LaunchProbe>(e.on_timer(kT0 + seconds(60)).actions).empty());
  (void)e.on_probe_result("scan", running("k1"), kT0 + seconds(1));
  REQUIRE(e.next_deadline());
  CHECK(*e.next_deadline() == kT0 + seconds(61));
  CHECK(only<LaunchProbe>(e.on_timer(kT0 + seconds(60)).actions).empty());
  CHECK(only<LaunchProbe>(e.on_timer(kT0 + seconds(61)).actions).size() == 1);
}

TEST_CASE("a probe whose reply never comes is launched again after poll + timeout", "[engine]") {
  Engine e(config_of({long_job("scan")}), State{});
  REQUIRE(only<LaunchProbe>(e.on_startup(kT0).actions).size() == 1);
  REQUIRE(e.next_deadline());
  CHECK(*e.next_deadline() == kT0 + seconds(60 + 30));
  CHECK(only<LaunchProbe>(e.on_timer(kT0 + seconds(89)).actions).empty());
  CHECK(only<LaunchProbe>(e.on_timer(kT0 + seconds(90)).actions).size() == 1);
}

TEST_CASE("locale en gives English texts in engine reports", "[engine]") {
  Config c = config_of({long_job("scan")});
  c.notify.locale = "en";
  Engine e(c, State{});
  const Actions a = e.on_probe_result("scan", not_running(), kT0).actions;
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.action_required == "decide the next step (or enable autoResume)");
}

TEST_CASE("a probe failure alerts only after 2 consecutive and never changes state", "[engine]") {
  Engine e(config_of({long_job("scan")}), State{});
  (void)e.on_probe_result("scan", running("k1"), kT0);
  REQUIRE(rt_of(e, "scan").state == JobState::running);
  Actions a =
      e.on_probe_result("scan", probe_failure("timeout after 30s"), kT0 + seconds(60)).actions;
  CHECK(only<Notify>(a).empty());
  CHECK(rt_of(e, "scan").probe.consecutive_failures == 1);
  CHECK(rt_of(e, "scan").probe.error == "timeout after 30s");
  a = e.on_probe_result("scan", probe_failure("timeout after 30s"), kT0 + seconds(120)).actions;
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.info == "status probe failed: timeout after 30s");
  CHECK(alerts(a)[0].section.action_required.find("2") != std::string::npos);
  CHECK(rt_of(e, "scan").state == JobState::running);
  CHECK(only<Notify>(e.on_probe_result("scan", probe_failure("x"), kT0 + seconds(180)).actions)
            .empty());
  a = e.on_probe_result("scan", running("k2"), kT0 + seconds(240)).actions;
  REQUIRE(only<Notify>(a).size() == 1);
  CHECK_FALSE(only<Notify>(a)[0].alert);
  CHECK(only<Notify>(a)[0].section.info == "✅ 状态探测已恢复");
  CHECK(rt_of(e, "scan").probe.ok);
  CHECK(rt_of(e, "scan").state == JobState::running);
}

TEST_CASE("a stall alerts once, reminds at the reminder interval, and recovers", "[engine]") {
  Job job = long_job("scan");
  job.policy.stall_seconds = 600;
  job.policy.report_every_seconds = 1800;
  Engine e(config_of({job}), State{});
  (void)e.on_probe_result("scan", running("k1"), kT0);
  CHECK(alerts(e.on_probe_result("scan", running("k1"), kT0 + seconds(599)).actions).empty());
  Actions a = e.on_probe_result("scan", running("k1"), kT0 + seconds(600)).actions;
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.info == "stalled >= 600s");
  CHECK_FALSE(alerts(a)[0].section.action_required.empty());
  CHECK(rt_of(e, "scan").state == JobState::stalled);
  CHECK(rt_of(e, "scan").stalled_since == kT0 + seconds(600));
  for (TimeMs t = kT0 + seconds(660); t < kT0 + seconds(2400); t += seconds(60))
    REQUIRE(only<Notify>(e.on_probe_result("scan", running("k1"), t).actions).empty());
  CHECK(alerts(e.on_probe_result("scan", running("k1"), kT0 + seconds(2400)).actions).size() == 1);
  a = e.on_probe_result("scan", running("k2"), kT0 + seconds(2460)).actions;
  REQUIRE(only<Notify>(a).size() == 1);
  CHECK_FALSE(only<Notify>(a)[0].alert);
  CHECK(only<Notify>(a)[0].section.info == "✅ 进度恢复");
  CHECK(rt_of(e, "scan").state == JobState::running);
}

TEST_CASE(
    "auto-resume backs off, gives up at the cap with ACTION REQUIRED, retries after "
    "the cooldown",
    "[engine]") {
  Job job = long_job("scan", true);
  job.policy.auto_resume_backoff_seconds = 60;
  job.policy.max_auto_resumes = 2;
  Engine e(config_of({job}), state_with("scan", JobState::running, true));
  REQUIRE(only<LaunchStart>(e.on_probe_result("scan", not_running(), kT0).actions).size() == 1);
  Actions a = e.on_probe_result("scan", not_running(), kT0 + seconds(10)).actions;
  CHECK(only<LaunchStart>(a).empty());
  CHECK(rt_of(e, "scan").state == JobState::backoff);
  REQUIRE(e.next_deadline());
  CHECK(*e.next_deadline() <= kT0 + seconds(60));
  CHECK(only<LaunchProbe>(e.on_timer(kT0 + seconds(60)).actions).size() == 1);
  REQUIRE(only<LaunchStart>(e.on_probe_result("scan", not_running(), kT0 + seconds(60)).actions)
              .size() == 1);
  // Two attempts within the hour: the next failure gives up instead of backing off.
  a = e.on_probe_result("scan", not_running(), kT0 + seconds(70)).actions;
  CHECK(only<LaunchStart>(a).empty());
  CHECK(rt_of(e, "scan").state == JobState::given_up);
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.action_required.find("opsctl start scan") != std::string::npos);
  CHECK(only<Notify>(e.on_probe_result("scan", not_running(), kT0 + seconds(300)).actions).empty());
  const TimeMs retry = kT0 + seconds(70) + seconds(3600);
  CHECK(only<LaunchStart>(e.on_probe_result("scan", not_running(), retry - 1).actions).empty());
  REQUIRE(e.next_deadline());
  CHECK(*e.next_deadline() <= retry);
  CHECK(only<LaunchStart>(e.on_probe_result("scan", not_running(), retry).actions).size() == 1);
  CHECK(rt_of(e, "scan").state == JobState::starting);
}

TEST_CASE("start and stop requests are refused with the right faults", "[engine]") {
  Job risky = long_job("risky");
  risky.risk = Risk::write_local;
  Engine e(config_of({long_job("scan"), risky, read_job("r")}), State{});
  CHECK(e.request_start("nope", false, kT0).error->code == Refusal::unknown_job);
  CHECK(e.request_start("r", false, kT0).error->code == Refusal::wrong_kind);
  CHECK(e.request_stop("r", kT0).error->code == Refusal::wrong_kind);
  CHECK(e.request_stop("nope", kT0).error->code == Refusal::unknown_job);
  CHECK(e.request_start("risky", false, kT0).error->code == Refusal::refused_by_policy);
  CHECK(e.request_stop("scan", kT0).error->code == Refusal::not_running);
  const Outcome ok = e.request_start("risky", true, kT0);
  REQUIRE(ok.ok());
  CHECK(only<LaunchStart>(ok.actions).size() == 1);
  REQUIRE(e.request_start("scan", false, kT0).ok());
  CHECK(e.request_start("scan", false, kT0).error->code == Refusal::already_running);
}

TEST_CASE("stop escalates to a kill after stopTimeoutSeconds and the job stays stopped",
          "[engine]") {
  Job job = long_job("scan", true);
  job.policy.stop_timeout_seconds = 30;
  Engine e(config_of({job}), State{});
  (void)e.on_probe_result("scan", running("k1", 77), kT0);
  const Outcome o = e.request_stop("scan", kT0);
  REQUIRE(o.ok());
  REQUIRE(only<LaunchStop>(o.actions).size() == 1);
  CHECK(only<LaunchStop>(o.actions)[0].pid == 77);
  CHECK(rt_of(e, "scan").state == JobState::stopping);
  CHECK(only<KillJob>(e.on_timer(kT0 + seconds(29)).actions).empty());
  const auto kills = only<KillJob>(e.on_timer(kT0 + seconds(30)).actions);
  REQUIRE(kills.size() == 1);
  CHECK(kills[0].pid == 77);
  CHECK(only<KillJob>(e.on_timer(kT0 + seconds(31)).actions).empty());
  (void)e.on_probe_result("scan", not_running(), kT0 + seconds(32));
  CHECK(rt_of(e, "scan").state == JobState::stopped);
  CHECK(rt_of(e, "scan").user_stopped);

  Engine restarted(e.config(), e.state());
  (void)restarted.on_startup(kT0 + seconds(100));
  const Actions a = restarted.on_probe_result("scan", not_running(), kT0 + seconds(101)).actions;
  CHECK(only<LaunchStart>(a).empty());
  CHECK(alerts(a).empty());
  CHECK(rt_of(restarted, "scan").state == JobState::stopped);
}

TEST_CASE("an owned child's exit triggers a probe at once", "[engine]") {
  Engine e(config_of({long_job("scan")}), State{});
  REQUIRE(e.request_start("scan", false, kT0).ok());
  (void)e.on_start_launched("scan", 900, "", kT0);
  CHECK(rt_of(e, "scan").owned_pid == 900);
  const Actions a = e.on_child_exited("scan", 1, kT0 + seconds(2)).actions;
  REQUIRE(only<LaunchProbe>(a).size() == 1);
  CHECK_FALSE(rt_of(e, "scan").owned_pid);
  // While that probe is out, another exit does not launch a second one but asks for a re-probe.
  CHECK(only<LaunchProbe>(e.on_child_exited("scan", 1, kT0 + seconds(3)).actions).empty());
  (void)e.on_probe_result("scan", running("k"), kT0 + seconds(4));
  CHECK(only<LaunchProbe>(e.on_timer(kT0 + seconds(4)).actions).size() == 1);
}

TEST_CASE("a start that cannot launch is reported and the job is not left starting", "[engine]") {
  Engine e(config_of({long_job("scan")}), State{});
  REQUIRE(e.request_start("scan", false, kT0).ok());
  const Actions a = e.on_start_launched("scan", std::nullopt, "ENOENT: scan", kT0).actions;
  CHECK(rt_of(e, "scan").state == JobState::failed);
  REQUIRE(alerts(a).size() == 1);
  CHECK(alerts(a)[0].section.info == "start failed: ENOENT: scan");
}

TEST_CASE("reload applies only the difference", "[engine]") {
  Job changed = long_job("c");
  Engine e(config_of({long_job("a"), long_job("b"), changed}), State{});
  REQUIRE(e.request_start("a", false, kT0).ok());
  (void)e.on_start_launched("a", 500, "", kT0);
  (void)e.on_probe_result("b", running("kb"), kT0);
  (void)e.on_probe_result("c", running("kc"), kT0);
  const JobRuntime b_before = rt_of(e, "b");
  changed.policy.poll_seconds = 5;
  const ReloadSummary sum =
      e.reload(config_of({long_job("b"), changed, long_job("d")}), kT0 + seconds(1));
  const Actions& actions = sum.actions;
  CHECK(sum.added == std::vector<std::string>{"d"});
  CHECK(sum.removed == std::vector<std::string>{"a"});
  CHECK(sum.changed == std::vector<std::string>{"c"});
  REQUIRE(only<LaunchStop>(actions).size() == 1);
  CHECK(only<LaunchStop>(actions)[0].job_id == "a");
  CHECK_FALSE(e.state().jobs.contains("a"));
  CHECK(e.state().jobs.contains("d"));
  const JobRuntime& b_after = rt_of(e, "b");
  CHECK(b_after.next_poll_at == b_before.next_poll_at);
  CHECK(b_after.history.size() == b_before.history.size());
  CHECK(b_after.last_report_digest == b_before.last_report_digest);
  CHECK(rt_of(e, "c").next_poll_at <= kT0 + seconds(6));
}

TEST_CASE("an unchanged reload leaves nothing to write; a changed one does", "[engine]") {
  Engine e(config_of({read_job("r1"), read_job("r2")}), State{});
  (void)e.on_startup(kT0);
  CHECK_FALSE(e.reload(config_of({read_job("r1"), read_job("r2")}), kT0 + 1).state_changed);
  Job edited = read_job("r2");
  edited.commands.run = {"check", "other"};
  const ReloadSummary sum = e.reload(config_of({read_job("r1"), edited}), kT0 + 2);
  CHECK(sum.changed == std::vector<std::string>{"r2"});
  CHECK(sum.state_changed);
}

TEST_CASE("quiet hours past midnight hold routine reports but not alerts", "[engine]") {
  Job job = long_job("scan");
  job.policy.quiet_hours = QuietHours{23 * 60, 8 * 60};
  job.policy.stall_seconds = 600;
  Engine e(config_of({job}), State{});
  FakeClock clock;
  clock.utc_offset_minutes = 60;  // kT0 is 22:13 UTC = 23:13 local
  e.set_local_time(clock);
  CHECK(only<Notify>(e.on_probe_result("scan", running("k1"), kT0).actions).empty());
  const Actions a = e.on_probe_result("scan", running("k1"), kT0 + seconds(600)).actions;
  REQUIRE(alerts(a).size() == 1);
  // 08:00 local is 07:00 UTC the next day: routine reporting resumes.
  clock.utc_offset_minutes = 60 * 10;  // shift: kT0 + 3h is 11:13 local
  CHECK(only<Notify>(e.on_probe_result("scan", running("k2"), kT0 + seconds(3 * 3600)).actions)
            .size() == 1);
}

TEST_CASE("an unchanged running job sends a sign of life every reportEverySeconds", "[engine]") {
  Job job = long_job("scan");
  job.policy.stall_seconds = 0;  // no stall detection here
  Engine e(config_of({job}), State{});
  CHECK(only<Notify>(e.on_probe_result("scan", running("k1"), kT0)).size() == 1);
  CHECK(only<Notify>(e.on_probe_result("scan", running("k1"), kT0 + seconds(1799))).empty());
  CHECK(only<Notify>(e.on_probe_result("scan", running("k1"), kT0 + seconds(1800))).size() == 1);
  CHECK(only<Notify>(e.on_probe_result("scan", running("k1"), kT0 + seconds(1860))).empty());
  // onlyOnChange (the default): a new progressKey is reported at once.
  CHECK(only<Notify>(e.on_probe_result("scan", running("k2"), kT0 + seconds(1920))).size() == 1);
}

TEST_CASE("shutdown stops owned children without changing their persisted state", "[engine]") {
  Engine e(config_of({long_job("scan", true)}), State{});
  REQUIRE(e.request_start("scan", false, kT0).ok());
  (void)e.on_start_launched("scan", 900, "", kT0);
  (void)e.on_probe_result("scan", running("k"), kT0 + 1);
  const Actions a = e.on_shutdown(kT0 + 2).actions;
  REQUIRE(only<LaunchStop>(a).size() == 1);
  CHECK(rt_of(e, "scan").state == JobState::running);
  CHECK(e.on_child_exited("scan", -15, kT0 + 3).actions.empty());
  CHECK(e.on_timer(kT0 + seconds(999)).actions.empty());
  CHECK_FALSE(e.next_deadline());
}

TEST_CASE("a probe that finds nothing new leaves the state clean; news makes it dirty",
          "[engine]") {
  Job scan = long_job("scan");
  scan.policy.report_every_seconds = 3600;
  scan.policy.poll_seconds = 60;
  Engine e(config_of({scan}), State{});
  (void)e.on_startup(kT0);
  CHECK(e.on_probe_result("scan", running("k1"), kT0 + 100).state_changed);  // first sight: news
  // Same status, same progress, no report due: only the probe's times move.
  const Step same = e.on_probe_result("scan", running("k1"), kT0 + seconds(60));
  CHECK(only<Notify>(same.actions).empty());
  CHECK_FALSE(same.state_changed);
  CHECK(rt_of(e, "scan").probe.at == kT0 + seconds(60));  // in memory all the same
  // Progress moved: written.
  CHECK(e.on_probe_result("scan", running("k2"), kT0 + seconds(120)).state_changed);
  // A probe failure is news too (counted, shown in status).
  CHECK(e.on_probe_result("scan", ProbeResult{std::nullopt, "timed out"}, kT0 + seconds(180))
            .state_changed);
  // And so is its recovery.
  CHECK(e.on_probe_result("scan", running("k2"), kT0 + seconds(240)).state_changed);
}

TEST_CASE("same_but_probe_times ignores only the probe's times", "[engine]") {
  JobRuntime a;
  a.progress_key = "k";
  a.history.push_back({kT0, JobState::stopped, JobState::running, "status: running"});
  JobRuntime b = a;
  b.probe.at = kT0 + 5;
  b.next_poll_at = kT0 + 60'000;
  b.progress_history.estimate.rate_per_second = 2.5;  // in memory only, never persisted
  CHECK(same_but_probe_times(a, b));
  b.probe.consecutive_failures = 1;
  CHECK_FALSE(same_but_probe_times(a, b));
  b = a;
  b.history.back().reason = "progress moved";
  CHECK_FALSE(same_but_probe_times(a, b));
  b = a;
  b.last_report_at = kT0;
  CHECK_FALSE(same_but_probe_times(a, b));
}
