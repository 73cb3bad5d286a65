#include "metrics/exposition.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <iterator>

namespace opsd {

namespace {

constexpr std::array kStates = {JobState::stopped, JobState::starting,  JobState::running,
                                JobState::stalled, JobState::completed, JobState::failed,
                                JobState::backoff, JobState::given_up,  JobState::stopping};

double to_seconds(TimeMs t) { return static_cast<double>(t) / 1000.0; }

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name,
                   type);
  }
  // `labels` is the rendered label list without braces ("" = none).
  template <class V>
  void sample(std::string_view name, std::string_view labels, V value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    fmt::format_to(std::back_inserter(out_), " {}\n", value);
  }

 private:
  std::string& out_;
};

std::string job_label(std::string_view id) { return "job_id=\"" + escape_label_value(id) + "\""; }

const JobRuntime& runtime_of(const State& state, const std::string& id) {
  static const JobRuntime kNone;
  auto it = state.jobs.find(id);
  return it == state.jobs.end() ? kNone : it->second;
}

const JobCounters& counters_of(const MetricsCounters& c, const std::string& id) {
  static const JobCounters kNone;
  auto it = c.jobs.find(id);
  return it == c.jobs.end() ? kNone : it->second;
}

std::optional<double> number(const boost::json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  return std::nullopt;
}

}  // namespace

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<double> progress_ratio(std::string_view progress_json) {
  if (progress_json.empty()) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(progress_json, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  for (const char* key : {"percent", "pct"}) {
    if (auto p = number(o.if_contains(key)); p && *p >= 0) return std::min(*p / 100.0, 1.0);
  }
  auto total = number(o.if_contains("total"));
  if (!total || *total <= 0) return std::nullopt;
  for (const char* key : {"done", "current", "processed", "completed", "count"}) {
    if (auto d = number(o.if_contains(key)); d && *d >= 0) return std::min(*d / *total, 1.0);
  }
  return std::nullopt;
}

std::string render_metrics(const MetricsSnapshot& s) {
  std::string out;
  out.reserve(512 + s.config.jobs.size() * 1400);
  Writer w(out);
  const auto& jobs = s.config.jobs;
  auto long_jobs = [&](auto&& fn) {
    for (const Job& j : jobs)
      if (j.kind == JobKind::long_running_read) fn(j, runtime_of(s.state, j.id));
  };
  auto one_shots = [&](auto&& fn) {
    for (const Job& j : jobs)
      if (j.kind != JobKind::long_running_read) fn(j, counters_of(s.counters, j.id));
  };

  w.family("opsd_build_info", "gauge", "opsd's version; always 1.");
  w.sample("opsd_build_info", "version=\"" + escape_label_value(s.version) + "\"", 1);
  w.family("opsd_start_time_seconds", "gauge", "When this opsd started, Unix time in seconds.");
  w.sample("opsd_start_time_seconds", "", to_seconds(s.started_at));

  w.family("opsd_job_info", "gauge", "One series per configured job; always 1.");
  for (const Job& j : jobs)
    w.sample("opsd_job_info",
             job_label(j.id) + ",name=\"" + escape_label_value(j.name) + "\",kind=\"" +
                 std::string(to_string(j.kind)) + "\",risk=\"" + std::string(to_string(j.risk)) +
                 "\",enabled=\"" + (j.enabled ? "true" : "false") + "\"",
             1);

  w.family("opsd_job_state", "gauge",
           "State of a long_running_read job: 1 for its current state, 0 for the others.");
  long_jobs([&](const Job& j, const JobRuntime& rt) {
    const std::string base = job_label(j.id) + ",state=\"";
    for (JobState st : kStates)
      w.sample("opsd_job_state", base + std::string(to_string(st)) + "\"", rt.state == st ? 1 : 0);
  });
  w.family("opsd_job_running", "gauge", "1 when the job's last status said running.");
  long_jobs([&](const Job& j, const JobRuntime& rt) {
    w.sample("opsd_job_running", job_label(j.id), rt.running ? 1 : 0);
  });
  w.family("opsd_job_alerting", "gauge",
           "1 while an alert about the job (stalled, given up, paused, probe failing, level alert) "
           "is unresolved.");
  long_jobs([&](const Job& j, const JobRuntime& rt) {
    w.sample("opsd_job_alerting", job_label(j.id), rt.last_anomaly_key.empty() ? 0 : 1);
  });
  w.family("opsd_job_progress_ratio", "gauge",
           "Progress in [0, 1], where the job's progress object gives percent or done/total.");
  long_jobs([&](const Job& j, const JobRuntime& rt) {
    if (auto r = progress_ratio(rt.progress_json))
      w.sample("opsd_job_progress_ratio", job_label(j.id), *r);
  });
  w.family("opsd_job_last_progress_timestamp_seconds", "gauge",
           "When the job's progressKey last changed, Unix time in seconds.");
  long_jobs([&](const Job& j, const JobRuntime& rt) {
    if (rt.last_progress_at > 0)
      w.sample("opsd_job_last_progress_timestamp_seconds", job_label(j.id),
               to_seconds(rt.last_progress_at));
  });
  w.family("opsd_job_stalled_since_timestamp_seconds", "gauge",
           "When the job became stalled, Unix time in seconds; only while it is stalled.");
  long_jobs([&](const Job& j, const JobRuntime& rt) {
    if (rt.stalled_since > 0)
      w.sample("opsd_job_stalled_since_timestamp_seconds", job_label(j.id),
               to_seconds(rt.stalled_since));
  });
  w.family("opsd_job_auto_resumes_total", "counter",
           "Automatic restarts of the job (persisted across opsd restarts).");
  long_jobs([&](const Job& j, const JobRuntime& rt) {
    w.sample("opsd_job_auto_resumes_total", job_label(j.id), rt.auto_resumes_total);
  });
  w.family("opsd_job_probe_ok", "gauge", "1 when the job's last status probe succeeded.");
  long_jobs([&](const Job& j, const JobRuntime& rt) {
    w.sample("opsd_job_probe_ok", job_label(j.id), rt.probe.ok ? 1 : 0);
  });
  w.family("opsd_job_probe_failures_total", "counter",
           "Failed status probes since this opsd started.");
  long_jobs([&](const Job& j, const JobRuntime&) {
    w.sample("opsd_job_probe_failures_total", job_label(j.id),
             counters_of(s.counters, j.id).probe_failures_total);
  });
  w.family("opsd_job_last_exit_code", "gauge",
           "Exit code of the job's last owned process or run (negative: killed by that signal); "
           "only once one ended since opsd started.");
  for (const Job& j : jobs)
    if (auto code = counters_of(s.counters, j.id).last_exit_code)
      w.sample("opsd_job_last_exit_code", job_label(j.id), *code);
  w.family("opsd_job_last_run_success", "gauge",
           "One-shot jobs: 1 when the last run exited 0; only once one ended since opsd started.");
  one_shots([&](const Job& j, const JobCounters& c) {
    if (c.last_run_success)
      w.sample("opsd_job_last_run_success", job_label(j.id), *c.last_run_success ? 1 : 0);
  });
  w.family("opsd_job_last_run_timestamp_seconds", "gauge",
           "One-shot jobs: when the last run ended, Unix time in seconds.");
  one_shots([&](const Job& j, const JobCounters& c) {
    if (c.last_run_at > 0)
      w.sample("opsd_job_last_run_timestamp_seconds", job_label(j.id), to_seconds(c.last_run_at));
  });

  std::size_t queued = 0;
  TimeMs oldest_due = 0;
  for (const QueueItem& q : s.state.queue) {
    if (q.status != QueueStatus::pending && q.status != QueueStatus::running) continue;
    ++queued;
    const TimeMs due = std::max<TimeMs>(q.not_before, q.enqueued_at);
    if (q.status == QueueStatus::pending && due > 0 && (oldest_due == 0 || due < oldest_due))
      oldest_due = due;
  }
  w.family("opsd_queue_length", "gauge", "One-shot queue items pending or running.");
  w.sample("opsd_queue_length", "", queued);
  w.family("opsd_queue_oldest_due_timestamp_seconds", "gauge",
           "When the oldest pending queue item became due, Unix time in seconds; only while one "
           "is pending.");
  if (oldest_due > 0)
    w.sample("opsd_queue_oldest_due_timestamp_seconds", "", to_seconds(oldest_due));

  w.family("opsd_outbox_pending", "gauge", "Messages in the outbox waiting for delivery.");
  w.sample("opsd_outbox_pending", "", s.outbox.items.size());
  w.family("opsd_outbox_oldest_message_timestamp_seconds", "gauge",
           "When the oldest undelivered message was queued, Unix time in seconds; only while one "
           "is pending.");
  if (!s.outbox.items.empty()) {
    TimeMs oldest = s.outbox.items.front().created_at;
    for (const OutboxItem& m : s.outbox.items) oldest = std::min(oldest, m.created_at);
    w.sample("opsd_outbox_oldest_message_timestamp_seconds", "", to_seconds(oldest));
  }
  w.family("opsd_outbox_delivered_total", "counter", "Messages delivered since opsd started.");
  w.sample("opsd_outbox_delivered_total", "", s.counters.delivered_total);
  w.family("opsd_outbox_failed_total", "counter",
           "Messages dropped after a permanent delivery error since opsd started.");
  w.sample("opsd_outbox_failed_total", "", s.counters.failed_total);
  w.family("opsd_messages_total", "counter", "Messages opsd decided to send, by kind.");
  w.sample("opsd_messages_total", "kind=\"alert\"", s.counters.messages_alert_total);
  w.sample("opsd_messages_total", "kind=\"routine\"", s.counters.messages_routine_total);

  if (!s.config.notify.heartbeat.url.empty()) {
    const HeartbeatCounters& h = s.counters.heartbeat;
    w.family("opsd_heartbeat_pings_total", "counter", "Heartbeat pings attempted.");
    w.sample("opsd_heartbeat_pings_total", "", h.pings_total);
    w.family("opsd_heartbeat_failures_total", "counter", "Heartbeat pings that failed.");
    w.sample("opsd_heartbeat_failures_total", "", h.failures_total);
    w.family("opsd_heartbeat_last_success_timestamp_seconds", "gauge",
             "When a heartbeat ping last succeeded, Unix time in seconds; 0 = not yet.");
    w.sample("opsd_heartbeat_last_success_timestamp_seconds", "", to_seconds(h.last_success_at));
  }

  if (s.process) {
    const ProcessStats& p = *s.process;
    w.family("process_cpu_seconds_total", "counter",
             "Total user and system CPU time spent in seconds.");
    w.sample("process_cpu_seconds_total", "", p.cpu_seconds);
    w.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    w.sample("process_resident_memory_bytes", "", p.resident_bytes);
    w.family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
    w.sample("process_virtual_memory_bytes", "", p.virtual_bytes);
    w.family("process_open_fds", "gauge", "Number of open file descriptors.");
    w.sample("process_open_fds", "", p.open_fds);
    if (p.max_fds >= 0) {
      w.family("process_max_fds", "gauge", "Maximum number of open file descriptors.");
      w.sample("process_max_fds", "", p.max_fds);
    }
    w.family("process_start_time_seconds", "gauge",
             "Start time of the process since unix epoch in seconds.");
    w.sample("process_start_time_seconds", "", p.start_time_seconds);
  }
  return out;
}

}  // namespace opsd
