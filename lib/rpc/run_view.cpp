#include "rpc/run_view.hpp"

#include "util/signal_name.hpp"

namespace opsd {

namespace {

void code_or_null(JsonWriter& w, const std::optional<int>& code) {
  if (code)
    w.number(*code);
  else
    w.null();
}

void signal_or_null(JsonWriter& w, int sig) {
  if (sig)
    w.string(signal_name(sig));
  else
    w.null();
}

void write_run(JsonWriter& w, const JobRun& r) {
  w.begin_object();
  w.key("number").number(static_cast<std::int64_t>(r.number));
  w.key("source").string(r.source);
  w.key("startedAt");
  w.time_or_null(r.started_at);
  w.key("endedAt");
  w.time_or_null(r.ended_at);
  w.key("exitCode");
  code_or_null(w, r.exit_code);
  w.key("signal");
  signal_or_null(w, r.signal);
  w.key("timedOut").boolean(r.timed_out);
  w.key("durationMs").number(r.duration_ms);
  w.key("ok").boolean(r.ok);
  w.key("marker");
  if (r.markers.empty())
    w.null();
  else
    w.string(r.markers.front());
  w.key("markers").begin_array();
  for (const std::string& m : r.markers) w.string(m);
  w.end_array();
  std::string tail = r.stdout_tail;
  if (!r.stderr_tail.empty()) tail += (tail.empty() ? "" : "\n") + r.stderr_tail;
  w.key("outputTail").string(tail);
  w.key("chain").string_or_null(r.chain);
  w.end_object();
}

}  // namespace

void write_run_fields(JsonWriter& w, const JobRuntime& rt, bool history) {
  w.key("lastExit");
  if (rt.last_exit) {
    const ExitRecord& e = *rt.last_exit;
    w.begin_object();
    w.key("at");
    w.time_or_null(e.at);
    w.key("code");
    code_or_null(w, e.code);
    w.key("signal");
    signal_or_null(w, e.signal);
    w.key("runtimeMs").number(e.runtime_ms);
    w.key("crashed").boolean(e.crashed);
    w.end_object();
  } else {
    w.null();
  }
  w.key("lastRun");
  if (rt.runs.empty())
    w.null();
  else
    write_run(w, rt.runs.back());
  if (!history) return;
  w.key("runs").begin_array();
  for (const JobRun& r : rt.runs) write_run(w, r);
  w.end_array();
}

}  // namespace opsd
