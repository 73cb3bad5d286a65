#include "state/run_record_codec.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "state/state_fields.hpp"

namespace opsd::state_detail {

namespace json = boost::json;

namespace {

json::value opt_code(const std::optional<int>& c, const json::storage_ptr& sp) {
  return c ? json::value(*c, sp) : json::value(nullptr, sp);
}

json::object encode_exit(const ExitRecord& e, const json::storage_ptr& sp) {
  return json::object({{"at", e.at},
                       {"code", opt_code(e.code, sp)},
                       {"signal", e.signal},
                       {"runtimeMs", e.runtime_ms},
                       {"logTail", e.log_tail},
                       {"judged", e.judged},
                       {"crashed", e.crashed}},
                      sp);
}

ExitRecord decode_exit(const json::object& o) {
  ExitRecord e;
  e.at = get_time(o, "at");
  e.code = opt_int32(o, "code");
  e.signal = std::max(get_int32(o, "signal"), 0);
  e.runtime_ms = std::max<std::int64_t>(get_int(o, "runtimeMs"), 0);
  e.log_tail = get_string(o, "logTail");
  e.judged = get_bool(o, "judged", true);
  e.crashed = get_bool(o, "crashed");
  return e;
}

json::object encode_run(const JobRun& r, const json::storage_ptr& sp) {
  json::array markers(sp);
  for (const std::string& m : r.markers) markers.emplace_back(m);
  return json::object({{"number", r.number},
                       {"source", r.source},
                       {"startedAt", r.started_at},
                       {"endedAt", r.ended_at},
                       {"exitCode", opt_code(r.exit_code, sp)},
                       {"signal", r.signal},
                       {"timedOut", r.timed_out},
                       {"timeoutSeconds", r.timeout_seconds},
                       {"durationMs", r.duration_ms},
                       {"markers", std::move(markers)},
                       {"stdoutTail", r.stdout_tail},
                       {"stderrTail", r.stderr_tail},
                       {"ok", r.ok},
                       {"chain", r.chain}},
                      sp);
}

JobRun decode_run(const json::object& o) {
  JobRun r;
  r.number = get_u64(o, "number");
  r.source = get_string(o, "source");
  r.started_at = get_time(o, "startedAt");
  r.ended_at = get_time(o, "endedAt");
  r.exit_code = opt_int32(o, "exitCode");
  r.signal = std::max(get_int32(o, "signal"), 0);
  r.timed_out = get_bool(o, "timedOut");
  r.timeout_seconds = std::max<std::int64_t>(get_int(o, "timeoutSeconds"), 0);
  r.duration_ms = std::max<std::int64_t>(get_int(o, "durationMs"), 0);
  if (const json::array* a = array_at(o, "markers"))
    for (const json::value& v : *a)
      if (v.is_string()) r.markers.emplace_back(v.get_string());
  r.stdout_tail = get_string(o, "stdoutTail");
  r.stderr_tail = get_string(o, "stderrTail");
  r.ok = get_bool(o, "ok");
  r.chain = get_string(o, "chain");
  return r;
}

// The original's record: {exitCode, durationMs, stdoutTail, stderrTail} (exitCode -N: signal N;
// its own runs say -9 for a timeout) and lastRunAt in seconds.
JobRun from_original(const json::object& last, TimeMs ended_at) {
  JobRun r;
  r.source = "ops-monitor.py";
  std::optional<int> code = opt_int32(last, "exitCode");
  if (code && *code < 0)
    r.signal = -*code;
  else
    r.exit_code = code;
  r.duration_ms = std::max<std::int64_t>(get_int(last, "durationMs"), 0);
  r.ended_at = ended_at;
  r.started_at = ended_at > r.duration_ms ? ended_at - r.duration_ms : 0;
  r.stdout_tail = get_string(last, "stdoutTail");
  r.stderr_tail = get_string(last, "stderrTail");
  r.ok = r.exit_code == 0;
  return r;
}

}  // namespace

void encode_run_records(const JobRuntime& rt, json::object& job, const json::storage_ptr& sp) {
  if (rt.last_exit) job["opsdLastExit"] = encode_exit(*rt.last_exit, sp);
  if (rt.runs.empty() && rt.runs_started == 0) return;
  json::array runs(sp);
  for (const JobRun& r : rt.runs) runs.emplace_back(encode_run(r, sp));
  job["opsdRuns"] = std::move(runs);
  job["opsdRunsStarted"] = rt.runs_started;
  if (rt.runs.empty()) return;
  const JobRun& last = rt.runs.back();
  const int code = last.exit_code ? *last.exit_code : (last.signal ? -last.signal : -1);
  job["lastRun"] = json::object({{"exitCode", code},
                                 {"durationMs", last.duration_ms},
                                 {"stdoutTail", last.stdout_tail},
                                 {"stderrTail", last.stderr_tail}},
                                sp);
  job["lastRunAt"] = static_cast<double>(last.ended_at) / 1000.0;
}

void decode_run_records(const json::object& job, JobRuntime& rt) {
  if (const json::object* e = object_at(job, "opsdLastExit")) rt.last_exit = decode_exit(*e);
  rt.runs_started = get_u64(job, "opsdRunsStarted");
  if (const json::array* a = array_at(job, "opsdRuns")) {
    for (const json::value& v : *a)
      if (const json::object* r = v.if_object()) rt.runs.push_back(decode_run(*r));
  } else if (const json::object* last = object_at(job, "lastRun")) {
    rt.runs.push_back(from_original(*last, get_time(job, "lastRunAt")));
  }
  while (rt.runs.size() > kMaxRunRecords) rt.runs.pop_front();
  for (const JobRun& r : rt.runs) rt.runs_started = std::max(rt.runs_started, r.number);
}

}  // namespace opsd::state_detail
