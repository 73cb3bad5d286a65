#include "rpc/status_view.hpp"

#include <boost/json.hpp>

#include "util/time_format.hpp"

namespace opsd {

namespace {

namespace json = boost::json;

json::value time_or_null(TimeMs t) {
  if (t <= 0) return nullptr;
  return json::value(iso8601_utc(t));
}

json::value string_or_null(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::value(s);
}

json::value progress_value(const std::string& progress_json) {
  if (progress_json.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(progress_json, ec);
  if (ec) return nullptr;
  return v;
}

int resumes_within_hour(const JobRuntime& rt, TimeMs now) {
  int n = 0;
  for (TimeMs t : rt.auto_resume_times)
    if (now - t < seconds(3600)) ++n;
  return n;
}

json::object render_queue_item(const QueueItem& q) {
  json::object o;
  o["id"] = q.id;
  o["jobId"] = q.job_id;
  o["status"] = q.status;
  o["source"] = string_or_null(q.source);
  o["enqueuedAt"] = time_or_null(q.enqueued_at);
  o["notBefore"] = time_or_null(q.not_before);
  o["startedAt"] = time_or_null(q.started_at);
  o["finishedAt"] = time_or_null(q.finished_at);
  o["exitCode"] = q.exit_code ? json::value(*q.exit_code) : json::value(nullptr);
  o["note"] = string_or_null(q.note);
  return o;
}

}  // namespace

json::object render_job_status(const Job& job, const JobRuntime* rt, TimeMs now) {
  static const JobRuntime kFresh;
  const JobRuntime& r = rt ? *rt : kFresh;
  json::object o;
  o["id"] = job.id;
  o["name"] = job.name;
  o["kind"] = to_string(job.kind);
  o["risk"] = to_string(job.risk);
  o["enabled"] = job.enabled;
  o["state"] = to_string(r.state);
  o["running"] = r.running;
  o["completed"] = r.completed;
  o["pid"] = r.pid ? json::value(*r.pid) : json::value(nullptr);
  o["ownedPid"] = r.owned_pid ? json::value(*r.owned_pid) : json::value(nullptr);
  o["progress"] = progress_value(r.progress_json);
  o["progressKey"] = string_or_null(r.progress_key);
  o["lastProgressAt"] = time_or_null(r.last_progress_at);
  o["stalledSince"] = time_or_null(r.stalled_since);
  o["autoResumes"] = resumes_within_hour(r, now);
  o["autoResumesTotal"] = r.auto_resumes_total;
  json::object probe;
  probe["ok"] = r.probe.at > 0 ? json::value(r.probe.ok) : json::value(nullptr);
  probe["error"] = string_or_null(r.probe.error);
  probe["at"] = time_or_null(r.probe.at);
  probe["consecutiveFailures"] = r.probe.consecutive_failures;
  o["probe"] = std::move(probe);
  o["message"] = string_or_null(r.message);
  o["level"] = string_or_null(r.level);
  o["userStopped"] = r.user_stopped;
  if (!r.history.empty()) {
    const JobEvent& e = r.history.back();
    json::object last;
    last["at"] = time_or_null(e.at);
    last["from"] = to_string(e.from);
    last["to"] = to_string(e.to);
    last["reason"] = e.reason;
    o["lastEvent"] = std::move(last);
  } else {
    o["lastEvent"] = nullptr;
  }
  return o;
}

json::object render_status(const Config& config, const State& state, const DaemonInfo& info,
                           std::string_view only_job, TimeMs now) {
  json::object out;
  json::object d;
  d["version"] = info.version;
  d["pid"] = info.pid;
  d["startedAt"] = time_or_null(info.started_at);
  d["configFile"] = info.config_file;
  d["stateDir"] = info.state_dir;
  d["socket"] = info.socket;
  d["notifier"] = info.notifier;
  out["daemon"] = std::move(d);

  json::array jobs;
  for (const Job& job : config.jobs) {
    if (!only_job.empty() && job.id != only_job) continue;
    auto it = state.jobs.find(job.id);
    jobs.push_back(render_job_status(job, it == state.jobs.end() ? nullptr : &it->second, now));
  }
  out["jobs"] = std::move(jobs);

  json::array queue;
  for (const QueueItem& q : state.queue) {
    if (!only_job.empty() && q.job_id != only_job) continue;
    queue.push_back(render_queue_item(q));
  }
  out["queue"] = std::move(queue);

  json::object outbox;
  outbox["pending"] = state.outbox.size();
  outbox["lastError"] = string_or_null(state.outbox_last_error);
  out["outbox"] = std::move(outbox);

  json::array approvals;
  for (const ApprovalRecord& a : state.approvals) {
    if (a.consumed || a.expires_at <= now) continue;
    if (!only_job.empty() && a.job_id != only_job) continue;
    json::object o;
    o["jobId"] = a.job_id;
    o["grantedAt"] = time_or_null(a.granted_at);
    o["expiresAt"] = time_or_null(a.expires_at);
    o["uid"] = a.uid;
    o["note"] = string_or_null(a.note);
    o["fingerprint"] = a.fingerprint;
    approvals.push_back(std::move(o));
  }
  out["approvals"] = std::move(approvals);
  return out;
}

}  // namespace opsd
