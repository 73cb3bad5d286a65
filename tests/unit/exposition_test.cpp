#include "metrics/exposition.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <sstream>

using namespace opsd;

namespace {

Job job(std::string id, JobKind kind) {
  Job j;
  j.id = id;
  j.name = id;
  j.kind = kind;
  j.enabled = true;
  return j;
}

struct Fixture {
  Config config;
  State state;
  OutboxState outbox;
  MetricsCounters counters;

  Fixture() {
    config.jobs = {job("scan", JobKind::long_running_read), job("check", JobKind::one_shot_read)};
    JobRuntime& rt = state.jobs["scan"];
    rt.state = JobState::stalled;
    rt.running = true;
    rt.progress_json = R"({"done": 25, "total": 100})";
    rt.last_progress_at = 1'700'000'000'000;
    rt.stalled_since = 1'700'000'600'500;
    rt.auto_resumes_total = 3;
    rt.probe.ok = false;
    rt.last_anomaly_key = "stalled:k";
    counters.jobs["scan"].probe_failures_total = 2;
    counters.jobs["check"].last_exit_code = 1;
    counters.jobs["check"].last_run_at = 1'700'000'100'000;
    counters.jobs["check"].last_run_success = false;
    counters.messages_alert_total = 4;
    counters.messages_routine_total = 7;
    counters.delivered_total = 10;
    counters.failed_total = 1;
    OutboxItem m;
    m.seq = 1;
    m.created_at = 1'700'000'050'000;
    outbox.items.push_back(m);
    QueueItem q;
    q.id = "q-1";
    q.job_id = "check";
    q.enqueued_at = 1'700'000'000'000;
    q.not_before = 1'700'000'200'000;
    state.queue.push_back(q);
  }

  std::string render(std::optional<ProcessStats> p = std::nullopt) const {
    return render_metrics(
        {"1.2.3", 1'699'999'999'000, config, state, outbox, counters, p, 1'700'000'900'000});
  }
};

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

}  // namespace

TEST_CASE("exposition: build info, start time and per-job series", "[metrics]") {
  Fixture f;
  const std::string t = f.render();
  CHECK(has_line(t, "opsd_build_info{version=\"1.2.3\"} 1"));
  CHECK(has_line(t, "opsd_start_time_seconds 1699999999"));
  CHECK(has_line(t, "opsd_job_state{job_id=\"scan\",state=\"stalled\"} 1"));
  CHECK(has_line(t, "opsd_job_state{job_id=\"scan\",state=\"running\"} 0"));
  CHECK(has_line(t, "opsd_job_state{job_id=\"scan\",state=\"given_up\"} 0"));
  CHECK(has_line(t, "opsd_job_running{job_id=\"scan\"} 1"));
  CHECK(has_line(t, "opsd_job_alerting{job_id=\"scan\"} 1"));
  CHECK(has_line(t, "opsd_job_progress_ratio{job_id=\"scan\"} 0.25"));
  CHECK(has_line(t, "opsd_job_last_progress_timestamp_seconds{job_id=\"scan\"} 1700000000"));
  CHECK(has_line(t, "opsd_job_stalled_since_timestamp_seconds{job_id=\"scan\"} 1700000600.5"));
  CHECK(has_line(t, "opsd_job_auto_resumes_total{job_id=\"scan\"} 3"));
  CHECK(has_line(t, "opsd_job_probe_ok{job_id=\"scan\"} 0"));
  CHECK(has_line(t, "opsd_job_probe_failures_total{job_id=\"scan\"} 2"));
  CHECK(has_line(t, "opsd_job_last_exit_code{job_id=\"check\"} 1"));
  CHECK(has_line(t, "opsd_job_last_run_success{job_id=\"check\"} 0"));
  CHECK(has_line(t, "opsd_job_last_run_timestamp_seconds{job_id=\"check\"} 1700000100"));
  CHECK(has_line(t,
                 "opsd_job_info{job_id=\"check\",name=\"check\",kind=\"one_shot_read\",risk=\"read_"
                 "only\",enabled=\"true\"} 1"));
  // stateset: nine states per long job, none for one-shots
  CHECK(t.find("opsd_job_state{job_id=\"check\"") == std::string::npos);
  CHECK(t.find("job=\"") == std::string::npos);  // `job` is Prometheus's own label
}

TEST_CASE("exposition: queue, outbox and message counters", "[metrics]") {
  Fixture f;
  const std::string t = f.render();
  CHECK(has_line(t, "opsd_queue_length 1"));
  CHECK(has_line(t, "opsd_queue_oldest_due_timestamp_seconds 1700000200"));
  CHECK(has_line(t, "opsd_outbox_pending 1"));
  CHECK(has_line(t, "opsd_outbox_oldest_message_timestamp_seconds 1700000050"));
  CHECK(has_line(t, "opsd_outbox_delivered_total 10"));
  CHECK(has_line(t, "opsd_outbox_failed_total 1"));
  CHECK(has_line(t, "opsd_messages_total{kind=\"alert\"} 4"));
  CHECK(has_line(t, "opsd_messages_total{kind=\"routine\"} 7"));
  CHECK(t.find("opsd_heartbeat") == std::string::npos);  // no heartbeat configured
  f.outbox.items.clear();
  f.state.queue.clear();
  const std::string empty = f.render();
  CHECK(has_line(empty, "opsd_queue_length 0"));
  CHECK(empty.find("opsd_queue_oldest_due_timestamp_seconds 1") == std::string::npos);
  CHECK(empty.find("opsd_outbox_oldest_message_timestamp_seconds 1") == std::string::npos);
}

TEST_CASE("exposition: heartbeat and process_* when present", "[metrics]") {
  Fixture f;
  f.config.notify.heartbeat.url = "https://hc/x";
  f.counters.heartbeat.pings_total = 5;
  f.counters.heartbeat.failures_total = 2;
  ProcessStats p;
  p.cpu_seconds = 1.5;
  p.resident_bytes = 4096;
  p.virtual_bytes = 8192;
  p.open_fds = 9;
  p.max_fds = 1024;
  p.start_time_seconds = 1699999999.25;
  const std::string t = f.render(p);
  CHECK(has_line(t, "opsd_heartbeat_pings_total 5"));
  CHECK(has_line(t, "opsd_heartbeat_failures_total 2"));
  CHECK(has_line(t, "process_cpu_seconds_total 1.5"));
  CHECK(has_line(t, "process_resident_memory_bytes 4096"));
  CHECK(has_line(t, "process_virtual_memory_bytes 8192"));
  CHECK(has_line(t, "process_open_fds 9"));
  CHECK(has_line(t, "process_max_fds 1024"));
  CHECK(has_line(t, "process_start_time_seconds 1699999999.25"));
  CHECK(f.render().find("process_") == std::string::npos);
}

TEST_CASE("exposition: every family has one TYPE line, before its samples", "[metrics]") {
  Fixture f;
  std::istringstream in(f.render());
  std::set<std::string> typed;
  std::string current;
  for (std::string l; std::getline(in, l);) {
    if (l.starts_with("# TYPE ")) {
      std::string name = l.substr(7, l.find(' ', 7) - 7);
      CHECK(typed.insert(name).second);
      current = name;
    } else if (!l.starts_with("#")) {
      CHECK(l.substr(0, l.find_first_of("{ ")) == current);
    }
  }
  CHECK(typed.size() > 20);
}

TEST_CASE("exposition: label values are escaped", "[metrics]") {
  CHECK(escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  Fixture f;
  f.config.jobs.push_back(job("we\"ird", JobKind::long_running_read));
  CHECK(f.render().find("opsd_job_running{job_id=\"we\\\"ird\"} 0") != std::string::npos);
}

TEST_CASE("exposition: progress ratio from percent or done/total", "[metrics]") {
  CHECK(progress_ratio(R"({"percent": 40})") == Approx(0.4));
  CHECK(progress_ratio(R"({"processed": 3, "total": 4})") == Approx(0.75));
  CHECK(progress_ratio(R"({"done": 9, "total": 3})") == Approx(1.0));
  CHECK_FALSE(progress_ratio(R"({"done": 3})"));
  CHECK_FALSE(progress_ratio(R"({"done": 3, "total": 0})"));
  CHECK_FALSE(progress_ratio(R"({"phase": "x"})"));
  CHECK_FALSE(progress_ratio(""));
  CHECK_FALSE(progress_ratio("not json"));
}
