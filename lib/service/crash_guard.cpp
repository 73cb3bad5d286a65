#include "service/crash_guard.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "state/atomic_file.hpp"

namespace opsd {

namespace {

constexpr std::size_t kMaxRecordBytes = 64 * 1024;

}  // namespace

StartDecision decide_start(const RunRecord& previous, TimeMs now, const CrashGuardPolicy& policy) {
  StartDecision d;
  d.unclean = previous.running;
  d.record.running = true;
  for (TimeMs t : previous.unclean_starts)
    if (t > now - policy.window && t <= now) d.record.unclean_starts.push_back(t);
  if (d.unclean) d.record.unclean_starts.push_back(now);
  std::sort(d.record.unclean_starts.begin(), d.record.unclean_starts.end());
  d.recent_unclean = static_cast<int>(d.record.unclean_starts.size());
  d.tripped = policy.max_unclean_starts > 0 && d.recent_unclean >= policy.max_unclean_starts;
  return d;
}

std::string encode_run_record(const RunRecord& record) {
  boost::json::array starts;
  for (TimeMs t : record.unclean_starts) starts.push_back(t);
  boost::json::object o{{"version", 1}, {"running", record.running}, {"uncleanStarts", starts}};
  return boost::json::serialize(o) + "\n";
}

Result<RunRecord> decode_run_record(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) return Error{"not JSON: " + ec.message()};
  const boost::json::object* o = v.if_object();
  if (!o) return Error{"not a JSON object"};
  RunRecord r;
  if (const boost::json::value* running = o->if_contains("running")) {
    if (!running->is_bool()) return Error{"running: not a bool"};
    r.running = running->get_bool();
  }
  if (const boost::json::value* starts = o->if_contains("uncleanStarts")) {
    const boost::json::array* a = starts->if_array();
    if (!a) return Error{"uncleanStarts: not an array"};
    for (const boost::json::value& t : *a) {
      if (!t.is_int64()) return Error{"uncleanStarts: not an integer"};
      r.unclean_starts.push_back(t.get_int64());
    }
  }
  return r;
}

CrashGuard::CrashGuard(FileSystem& fs, std::string path, CrashGuardPolicy policy)
    : fs_(fs), path_(std::move(path)), policy_(policy) {}

StartDecision CrashGuard::record_start(TimeMs now) {
  RunRecord previous;
  if (fs_.exists(path_)) {
    Result<std::string> text = fs_.read_file(path_, kMaxRecordBytes);
    if (text) {
      if (Result<RunRecord> r = decode_run_record(*text); r) previous = std::move(*r);
    }
  }
  StartDecision d = decide_start(previous, now, policy_);
  if (Status st = write_file_atomic(fs_, path_, encode_run_record(d.record)); !st)
    d.save_error = st.message();
  return d;
}

Status CrashGuard::record_clean_stop() {
  return write_file_atomic(fs_, path_, encode_run_record(RunRecord{}));
}

}  // namespace opsd
