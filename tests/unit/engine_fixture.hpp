// Test helpers for engine tests: job builders, probe results and action filters.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <variant>
#include <vector>

#include "config/config.hpp"
#include "engine/engine.hpp"
#include "state/state.hpp"

namespace opsd::testing {

constexpr TimeMs kT0 = 1'700'000'000'000;  // 2023-11-14 22:13:20 UTC

inline Policy test_policy() {
  Policy p;
  p.quiet_hours = QuietHours{0, 0};  // none, unless a test sets them
  return p;
}

inline Job long_job(const std::string& id, bool auto_resume = false) {
  Job j;
  j.id = j.name = id;
  j.kind = JobKind::long_running_read;
  j.risk = Risk::read_only;
  j.enabled = true;
  j.cwd = "/srv";
  j.commands.start = {"scan", "--resume"};
  j.commands.status = {"scan", "--status"};
  j.policy = test_policy();
  j.policy.auto_resume = auto_resume;
  return j;
}

inline Job read_job(const std::string& id) {
  Job j;
  j.id = j.name = id;
  j.kind = JobKind::one_shot_read;
  j.risk = Risk::read_only;
  j.cwd = "/srv";
  j.commands.run = {"check", id};
  j.policy = test_policy();
  return j;
}

inline Job write_job(const std::string& id, const std::string& verify_id,
                     std::int64_t delay_seconds = 0) {
  Job j;
  j.id = j.name = id;
  j.kind = JobKind::one_shot_write;
  j.risk = Risk::write_external;
  j.cwd = "/srv";
  j.commands.run = {"apply", id};
  j.policy = test_policy();
  j.after.push_back(AfterEntry{verify_id, AfterWhen::success, delay_seconds});
  return j;
}

// Reports as messages (notify.progress "messages"): what most engine tests decide about.
// card_report_test.cpp covers cards.
inline Config config_of(std::vector<Job> jobs) {
  Config c;
  c.notify.progress = NotifyProgress::messages;
  c.defaults = test_policy();
  c.jobs = std::move(jobs);
  return c;
}

inline ProbeResult running(const std::string& key, std::int64_t pid = 4242) {
  StatusReport r;
  r.running = true;
  r.pid = pid;
  r.progress_key = key;
  r.progress_json = "{\"done\":\"" + key + "\"}";
  return ProbeResult{r, ""};
}

inline ProbeResult not_running(const std::string& stop_reason = "") {
  StatusReport r;
  r.stop_reason = stop_reason;
  return ProbeResult{r, ""};
}

inline ProbeResult completed() {
  StatusReport r;
  r.completed = true;
  return ProbeResult{r, ""};
}

inline ProbeResult probe_failure(const std::string& why) { return ProbeResult{std::nullopt, why}; }

template <class T>
std::vector<T> only(const Actions& actions) {
  std::vector<T> out;
  for (const auto& a : actions)
    if (const T* t = std::get_if<T>(&a)) out.push_back(*t);
  return out;
}
// The same over a whole engine step (every engine call returns one).
template <class T>
std::vector<T> only(const Step& step) {
  return only<T>(step.actions);
}

inline std::vector<Notify> alerts(const Actions& actions) {
  std::vector<Notify> out;
  for (const auto& n : only<Notify>(actions))
    if (n.alert) out.push_back(n);
  return out;
}

// The queue item id of the launch of `job_id` (not a commands.verify run); "" when none.
inline std::string item_of(const std::vector<LaunchOneShot>& runs, const std::string& job_id) {
  for (const auto& r : runs)
    if (r.job_id == job_id && !r.verify) return r.queue_item_id;
  return "";
}

inline std::vector<Notify> alerts(const Step& step) { return alerts(step.actions); }

inline std::string item_of(const Actions& actions, const std::string& job_id) {
  return item_of(only<LaunchOneShot>(actions), job_id);
}

inline std::vector<AuditEvent> events_named(const std::vector<AuditEvent>& all,
                                            const std::string& name) {
  std::vector<AuditEvent> out;
  for (const auto& e : all)
    if (e.event == name) out.push_back(e);
  return out;
}

// Appends the audit events of `step` (a Step, Outcome or ReloadSummary) to `trail`; returns it.
template <class S>
S keep(std::vector<AuditEvent>& trail, S step) {
  trail.insert(trail.end(), step.audit.begin(), step.audit.end());
  return step;
}

// An engine on `config` with write job "w" approved and launched at kT0 by uid 1000 (the audit
// events of that are not kept).
inline Engine running_write(const Config& config) {
  Engine e(config, State{});
  REQUIRE(e.request_approve("w", seconds(3600), 1000, "", kT0 - 10).ok());
  REQUIRE(e.request_run("w", kT0, 1000).ok());
  return e;
}

// The same with `w` and its read-only verification job "v".
inline Engine running_write(const Job& w) { return running_write(config_of({w, read_job("v")})); }

}  // namespace opsd::testing
