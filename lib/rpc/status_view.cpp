#include "rpc/status_view.hpp"

#include <charconv>
#include <cmath>

#include "rpc/run_view.hpp"
#include "util/json_writer.hpp"

namespace opsd {

namespace {

// Bytes one job takes in the full answer, to size the output once.
constexpr std::size_t kJobBytesHint = 640;

void optional_int(JsonWriter& w, const std::optional<std::int64_t>& v) {
  if (v)
    w.number(*v);
  else
    w.null();
}

// A finite number with 6 significant digits ("0.42", "12.5", "1.5e-05"), or null.
void optional_double(JsonWriter& w, const std::optional<double>& v) {
  char buf[32];
  auto r = v ? std::to_chars(buf, buf + sizeof buf, *v, std::chars_format::general, 6)
             : std::to_chars_result{buf, std::errc::invalid_argument};
  if (v && r.ec == std::errc() && std::isfinite(*v))
    w.raw(std::string_view(buf, r.ptr - buf));
  else
    w.null();
}

// progressRatio, ratePerSecond, etaAt (state/progress_history.hpp), null when unknown.
void write_estimate(JsonWriter& w, const ProgressEstimate& e) {
  w.key("progressRatio");
  optional_double(w, e.ratio);
  w.key("ratePerSecond");
  optional_double(w, e.rate_per_second);
  w.key("etaAt");
  w.time_or_null(e.eta.value_or(0));
}

int resumes_within_hour(const JobRuntime& rt, TimeMs now) {
  int n = 0;
  for (TimeMs t : rt.auto_resume_times)
    if (now - t < seconds(3600)) ++n;
  return n;
}

void write_probe(JsonWriter& w, const ProbeRecord& p, bool brief) {
  w.begin_object();
  w.key("ok");
  if (p.at > 0)
    w.boolean(p.ok);
  else
    w.null();
  w.key("error").string_or_null(p.error);
  if (!brief) {
    w.key("at");
    w.time_or_null(p.at);
  }
  w.key("consecutiveFailures").number(p.consecutive_failures);
  w.end_object();
}

void write_job(JsonWriter& w, const Job& job, const JobRuntime& r, bool brief, TimeMs now,
               bool history, const StatusQuery& query) {
  const auto& next_resume = query.next_resume_at;
  w.begin_object();
  w.key("id").string(job.id);
  if (!brief) w.key("name").string(job.name);
  w.key("kind").string(to_string(job.kind));
  if (!brief) w.key("risk").string(to_string(job.risk));
  w.key("enabled").boolean(job.enabled);
  w.key("state").string(to_string(r.state));
  if (!brief) {
    w.key("running").boolean(r.running);
    w.key("completed").boolean(r.completed);
  }
  w.key("pid");
  optional_int(w, r.pid);
  // Its process was taken over from an earlier opsd run or image (docs/processes.md); in the
  // brief form (the table's) only when true.
  const bool adopted = r.owned_pid.has_value() && r.owned.adopted;
  if (!brief || adopted) w.key("adopted").boolean(adopted);
  if (!brief) {
    w.key("ownedPid");
    optional_int(w, r.owned_pid);
  }
  // progress_json is always Boost.JSON's serialization of an object (status parser, state
  // codec), so it is copied as is.
  w.key("progress").raw(r.progress_json);
  if (!brief) w.key("progressKey").string_or_null(r.progress_key);
  w.key("lastProgressAt");
  w.time_or_null(r.last_progress_at);
  write_estimate(w, r.progress_history.estimate);
  w.key("nextRunAt");
  w.time_or_null(r.schedule.next_run_at);
  if (job.schedule || !brief) {
    w.key("schedule").string_or_null(job.schedule ? job.schedule->spec : "");
    w.key("lastRunAt");
    w.time_or_null(r.schedule.last_run_at);
  }
  if (!brief) {
    w.key("stalledSince");
    w.time_or_null(r.stalled_since);
    w.key("autoResumes").number(resumes_within_hour(r, now));
    w.key("autoResumesTotal").number(r.auto_resumes_total);
  }
  w.key("nextResumeAt");
  w.time_or_null(next_resume ? next_resume(job, r) : 0);
  w.key("muted");
  if (r.mute.active(now)) {
    w.begin_object();
    w.key("until");
    w.time_or_null(r.mute.until);
    w.key("note").string_or_null(r.mute.note);
    w.end_object();
  } else {
    w.null();
  }
  w.key("probe");
  write_probe(w, r.probe, brief);
  if (!brief) {
    w.key("message").string_or_null(r.message);
    w.key("level").string_or_null(r.level);
    w.key("userStopped").boolean(r.user_stopped);
    w.key("lastEvent");
    if (r.history.empty()) {
      w.null();
    } else {
      const JobEvent& e = r.history.back();
      w.begin_object();
      w.key("at");
      w.time_or_null(e.at);
      w.key("from").string(to_string(e.from));
      w.key("to").string(to_string(e.to));
      w.key("reason").string(e.reason);
      w.end_object();
    }
  }
  write_run_fields(w, r, history);
  w.end_object();
}

void write_queue_item(JsonWriter& w, const QueueItem& q) {
  w.begin_object();
  w.key("id").string(q.id);
  w.key("jobId").string(q.job_id);
  w.key("status").string(to_string(q.status));
  w.key("source").string_or_null(q.source);
  w.key("enqueuedAt");
  w.time_or_null(q.enqueued_at);
  w.key("notBefore");
  w.time_or_null(q.not_before);
  w.key("startedAt");
  w.time_or_null(q.started_at);
  w.key("finishedAt");
  w.time_or_null(q.finished_at);
  w.key("exitCode");
  if (q.exit_code)
    w.number(*q.exit_code);
  else
    w.null();
  w.key("note").string_or_null(q.note);
  w.end_object();
}

}  // namespace

std::string render_status(const Config& config, const State& state, const DaemonInfo& info,
                          const StatusQuery& query, TimeMs now, const OutboxState& outbox) {
  static const JobRuntime kFresh;  // a job not seen yet
  const std::string_view only = query.only_job;
  std::string out;
  out.reserve(1024 + (only.empty() ? config.jobs.size() : 1) * kJobBytesHint);
  JsonWriter w(out);
  w.begin_object();

  w.key("daemon").begin_object();
  w.key("version").string(info.version);
  w.key("pid").number(info.pid);
  w.key("startedAt");
  w.time_or_null(info.started_at);
  w.key("configFile").string(info.config_file);
  w.key("stateDir").string(info.state_dir);
  w.key("socket").string(info.socket);
  w.key("notifier").string(info.notifier);
  if (!info.heartbeat.empty()) w.key("heartbeat").string(info.heartbeat);
  w.end_object();

  w.key("config").begin_object();
  w.key("path").string(info.config.path);
  w.key("ok").boolean(info.config.ok);
  w.key("errors").begin_array();
  for (const std::string& e : info.config.errors) w.string(e);
  w.end_array();
  w.key("running").string(info.config.running);
  w.key("lastGood").string_or_null(info.config.last_good);
  w.end_object();

  w.key("jobs").begin_array();
  for (const Job& job : config.jobs) {
    if (!only.empty() && job.id != only) continue;
    auto it = state.jobs.find(job.id);
    write_job(w, job, it == state.jobs.end() ? kFresh : it->second, query.brief, now, !only.empty(),
              query);
  }
  w.end_array();

  w.key("queue").begin_array();
  for (const QueueItem& q : state.queue) {
    if (!only.empty() && q.job_id != only) continue;
    if (query.brief && q.status != QueueStatus::pending && q.status != QueueStatus::running)
      continue;
    write_queue_item(w, q);
  }
  w.end_array();

  w.key("outbox").begin_object();
  w.key("pending").number(static_cast<std::int64_t>(outbox.items.size()));
  w.key("lastError").string_or_null(outbox.last_error);
  w.end_object();

  w.key("approvals").begin_array();
  for (const ApprovalRecord& a : state.approvals) {
    if (a.consumed || a.voided || a.expires_at <= now) continue;
    if (!only.empty() && a.job_id != only) continue;
    w.begin_object();
    w.key("jobId").string(a.job_id);
    w.key("grantedAt");
    w.time_or_null(a.granted_at);
    w.key("expiresAt");
    w.time_or_null(a.expires_at);
    w.key("uid").number(a.uid);
    w.key("note").string_or_null(a.note);
    w.key("fingerprint").string(a.fingerprint);
    w.end_object();
  }
  w.end_array();

  w.end_object();
  return out;
}

}  // namespace opsd
