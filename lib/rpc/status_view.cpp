#include "rpc/status_view.hpp"

#include <boost/json.hpp>

#include "util/time_format.hpp"

namespace opsd {

namespace {

namespace json = boost::json;

// Every value of one answer is allocated from `sp`, the answer's own arena (status with
// thousands of jobs is tens of thousands of small allocations, all freed together).

json::value time_or_null(TimeMs t, const json::storage_ptr& sp) {
  if (t <= 0) return json::value(nullptr, sp);
  return json::value(iso8601_utc(t), sp);
}

json::value string_or_null(const std::string& s, const json::storage_ptr& sp) {
  if (s.empty()) return json::value(nullptr, sp);
  return json::value(s, sp);
}

json::value progress_value(const std::string& progress_json, const json::storage_ptr& sp) {
  if (progress_json.empty()) return json::value(nullptr, sp);
  boost::system::error_code ec;
  json::value v = json::parse(progress_json, ec, sp);
  if (ec) return json::value(nullptr, sp);
  return v;
}

json::value optional_int(const std::optional<std::int64_t>& v, const json::storage_ptr& sp) {
  return v ? json::value(*v, sp) : json::value(nullptr, sp);
}

int resumes_within_hour(const JobRuntime& rt, TimeMs now) {
  int n = 0;
  for (TimeMs t : rt.auto_resume_times)
    if (now - t < seconds(3600)) ++n;
  return n;
}

json::object render_queue_item(const QueueItem& q, const json::storage_ptr& sp) {
  json::object o(sp);
  o["id"] = q.id;
  o["jobId"] = q.job_id;
  o["status"] = q.status;
  o["source"] = string_or_null(q.source, sp);
  o["enqueuedAt"] = time_or_null(q.enqueued_at, sp);
  o["notBefore"] = time_or_null(q.not_before, sp);
  o["startedAt"] = time_or_null(q.started_at, sp);
  o["finishedAt"] = time_or_null(q.finished_at, sp);
  o["exitCode"] = q.exit_code ? json::value(*q.exit_code, sp) : json::value(nullptr, sp);
  o["note"] = string_or_null(q.note, sp);
  return o;
}

json::object render_job(const Job& job, const JobRuntime* rt, TimeMs now,
                        const json::storage_ptr& sp) {
  static const JobRuntime kFresh;
  const JobRuntime& r = rt ? *rt : kFresh;
  json::object o(sp);
  o.reserve(22);
  o["id"] = job.id;
  o["name"] = job.name;
  o["kind"] = to_string(job.kind);
  o["risk"] = to_string(job.risk);
  o["enabled"] = job.enabled;
  o["state"] = to_string(r.state);
  o["running"] = r.running;
  o["completed"] = r.completed;
  o["pid"] = optional_int(r.pid, sp);
  o["ownedPid"] = optional_int(r.owned_pid, sp);
  o["progress"] = progress_value(r.progress_json, sp);
  o["progressKey"] = string_or_null(r.progress_key, sp);
  o["lastProgressAt"] = time_or_null(r.last_progress_at, sp);
  o["stalledSince"] = time_or_null(r.stalled_since, sp);
  o["autoResumes"] = resumes_within_hour(r, now);
  o["autoResumesTotal"] = r.auto_resumes_total;
  json::object probe(sp);
  probe["ok"] = r.probe.at > 0 ? json::value(r.probe.ok, sp) : json::value(nullptr, sp);
  probe["error"] = string_or_null(r.probe.error, sp);
  probe["at"] = time_or_null(r.probe.at, sp);
  probe["consecutiveFailures"] = r.probe.consecutive_failures;
  o["probe"] = std::move(probe);
  o["message"] = string_or_null(r.message, sp);
  o["level"] = string_or_null(r.level, sp);
  o["userStopped"] = r.user_stopped;
  if (!r.history.empty()) {
    const JobEvent& e = r.history.back();
    json::object last(sp);
    last["at"] = time_or_null(e.at, sp);
    last["from"] = to_string(e.from);
    last["to"] = to_string(e.to);
    last["reason"] = e.reason;
    o["lastEvent"] = std::move(last);
  } else {
    o["lastEvent"] = nullptr;
  }
  return o;
}

}  // namespace

json::object render_job_status(const Job& job, const JobRuntime* rt, TimeMs now) {
  return render_job(job, rt, now, json::storage_ptr());
}

json::object render_status(const Config& config, const State& state, const DaemonInfo& info,
                           std::string_view only_job, TimeMs now) {
  json::storage_ptr sp = json::make_shared_resource<json::monotonic_resource>();
  json::object out(sp);
  json::object d(sp);
  d["version"] = info.version;
  d["pid"] = info.pid;
  d["startedAt"] = time_or_null(info.started_at, sp);
  d["configFile"] = info.config_file;
  d["stateDir"] = info.state_dir;
  d["socket"] = info.socket;
  d["notifier"] = info.notifier;
  out["daemon"] = std::move(d);

  json::array jobs(sp);
  jobs.reserve(only_job.empty() ? config.jobs.size() : 1);
  for (const Job& job : config.jobs) {
    if (!only_job.empty() && job.id != only_job) continue;
    auto it = state.jobs.find(job.id);
    jobs.push_back(render_job(job, it == state.jobs.end() ? nullptr : &it->second, now, sp));
  }
  out["jobs"] = std::move(jobs);

  json::array queue(sp);
  for (const QueueItem& q : state.queue) {
    if (!only_job.empty() && q.job_id != only_job) continue;
    queue.push_back(render_queue_item(q, sp));
  }
  out["queue"] = std::move(queue);

  json::object outbox(sp);
  outbox["pending"] = state.outbox.size();
  outbox["lastError"] = string_or_null(state.outbox_last_error, sp);
  out["outbox"] = std::move(outbox);

  json::array approvals(sp);
  for (const ApprovalRecord& a : state.approvals) {
    if (a.consumed || a.expires_at <= now) continue;
    if (!only_job.empty() && a.job_id != only_job) continue;
    json::object o(sp);
    o["jobId"] = a.job_id;
    o["grantedAt"] = time_or_null(a.granted_at, sp);
    o["expiresAt"] = time_or_null(a.expires_at, sp);
    o["uid"] = a.uid;
    o["note"] = string_or_null(a.note, sp);
    o["fingerprint"] = a.fingerprint;
    approvals.push_back(std::move(o));
  }
  out["approvals"] = std::move(approvals);
  return out;
}

}  // namespace opsd
