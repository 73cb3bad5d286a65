#include "state/state_codec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include <boost/json.hpp>

#include "state/legacy_fields.hpp"
#include "state/policy_codec.hpp"
#include "state/run_record_codec.hpp"
#include "state/schedule_codec.hpp"
#include "state/state_fields.hpp"
#include "state/write_chain_codec.hpp"
#include "util/time_format.hpp"

namespace opsd {

namespace json = boost::json;

namespace {

using state_detail::array_at;
using state_detail::get_bool;
using state_detail::get_int;
using state_detail::get_int32;
using state_detail::get_string;
using state_detail::get_time;
using state_detail::get_time_any;
using state_detail::get_u64;
using state_detail::object_at;
using state_detail::opt_bool;
using state_detail::opt_int;
using state_detail::opt_json;
using state_detail::opt_string;
using state_detail::positive;
using state_detail::time_value;

// ---- jobs ----

json::object encode_probe(const ProbeRecord& p, const json::storage_ptr& sp) {
  return json::object({{"ok", p.ok},
                       {"error", p.error},
                       {"at", p.at},
                       {"consecutiveFailures", p.consecutive_failures}},
                      sp);
}

ProbeRecord decode_probe(const json::object& o) {
  ProbeRecord p;
  p.ok = get_bool(o, "ok", true);
  p.error = get_string(o, "error");
  p.at = get_time(o, "at");
  p.consecutive_failures = std::max(get_int32(o, "consecutiveFailures"), 0);
  return p;
}

json::value encode_progress(const std::string& progress_json, const json::storage_ptr& sp) {
  if (progress_json.empty()) return json::value(nullptr, sp);
  json::error_code ec;
  json::value v = json::parse(progress_json, ec, sp);
  return ec ? json::value(nullptr, sp) : v;
}

json::object encode_job(const JobRuntime& j, const json::storage_ptr& sp) {
  json::array resumes(sp);
  for (TimeMs t : j.auto_resume_times) resumes.emplace_back(t);
  json::array history(sp);
  for (const JobEvent& e : j.history)
    history.emplace_back(json::object(
        {{"at", e.at}, {"from", to_string(e.from)}, {"to", to_string(e.to)}, {"reason", e.reason}},
        sp));
  json::object o(sp);
  o.reserve(29);
  o["state"] = to_string(j.state);
  o["userStopped"] = j.user_stopped;
  o["running"] = j.running;
  o["completed"] = j.completed;
  o["pid"] = opt_json(j.pid, sp);
  o["ownedPid"] = opt_json(j.owned_pid, sp);
  if (j.owned != OwnedIdentity{})
    o["owned"] = json::object({{"pgid", j.owned.pgid},
                               {"startTicks", j.owned.start_ticks},
                               {"relayPid", j.owned.relay_pid},
                               {"relayPgid", j.owned.relay_pgid},
                               {"relayStartTicks", j.owned.relay_start_ticks},
                               {"adopted", j.owned.adopted}},
                              sp);
  o["progress"] = encode_progress(j.progress_json, sp);
  o["progressKey"] = j.progress_key;
  o["level"] = j.level;
  o["message"] = j.message;
  o["stopReason"] = j.stop_reason;
  o["stalledSince"] = j.stalled_since;
  o["probe"] = encode_probe(j.probe, sp);
  o["nextPollAt"] = j.next_poll_at;
  o["autoResumeTimes"] = std::move(resumes);
  o["autoResumesTotal"] = j.auto_resumes_total;
  o["givenUpAt"] = j.given_up_at;
  o["stopDeadline"] = j.stop_deadline;
  o["lastReportDigest"] = j.last_report_digest;
  o["anomalyKey"] = j.last_anomaly_key;
  o["lastAutorunNote"] = j.last_autorun_note;
  o["lastReportProgressKey"] = j.last_report_progress_key;
  o["history"] = std::move(history);
  if (j.schedule != ScheduleRuntime{})
    o["schedule"] = state_detail::encode_schedule(j.schedule, sp);
  state_detail::encode_legacy_job(j, o, sp);
  state_detail::encode_run_records(j, o, sp);
  state_detail::encode_policy_fields(j, o, sp);
  return o;
}

JobRuntime decode_job(const json::object& o, bool original_last) {
  static const json::object kEmpty;
  const json::object* seen_p = object_at(o, "lastSeen");  // the original's last status
  const json::object& seen = seen_p ? *seen_p : kEmpty;

  JobRuntime j;
  j.user_stopped = get_bool(o, "userStopped");
  j.running = opt_bool(o, "running").value_or(get_bool(seen, "running"));
  j.completed = opt_bool(o, "completed").value_or(get_bool(seen, "completed"));
  j.pid = positive(opt_int(o, "pid"));
  j.owned_pid = positive(opt_int(o, "ownedPid"));
  if (const json::object* w = object_at(o, "owned")) {  // absent in older files
    j.owned.pgid = positive(opt_int(*w, "pgid")).value_or(0);
    j.owned.start_ticks = positive(opt_int(*w, "startTicks")).value_or(0);
    j.owned.relay_pid = positive(opt_int(*w, "relayPid")).value_or(0);
    j.owned.relay_pgid = positive(opt_int(*w, "relayPgid")).value_or(0);
    j.owned.relay_start_ticks = positive(opt_int(*w, "relayStartTicks")).value_or(0);
    j.owned.adopted = get_bool(*w, "adopted");
  }
  if (const json::object* p = object_at(o, "progress")) j.progress_json = json::serialize(*p);
  j.progress_key = get_string(o, "progressKey");
  if (j.progress_key.empty()) j.progress_key = get_string(o, "lastProgressKey");
  if (j.progress_key.empty()) j.progress_key = get_string(seen, "progressKey");
  j.level = get_string(o, "level");
  j.message = get_string(o, "message");
  j.stop_reason = opt_string(o, "stopReason").value_or(get_string(seen, "stopReason"));
  j.stalled_since = get_time(o, "stalledSince");
  if (const json::object* p = object_at(o, "probe")) j.probe = decode_probe(*p);
  j.next_poll_at = get_time(o, "nextPollAt");
  if (const json::array* a = array_at(o, "autoResumeTimes"))
    for (const json::value& v : *a)
      if (TimeMs t = time_value(v)) j.auto_resume_times.push_back(t);
  j.auto_resumes_total = std::max(get_int32(o, "autoResumesTotal"), 0);
  j.given_up_at = get_time(o, "givenUpAt");
  j.stop_deadline = get_time(o, "stopDeadline");
  j.last_report_digest = get_string(o, "lastReportDigest");
  j.last_anomaly_key = get_string(o, "anomalyKey");
  j.last_autorun_note = get_string(o, "lastAutorunNote");
  j.schedule = state_detail::decode_schedule(o);
  j.last_report_progress_key = opt_string(o, "lastReportProgressKey").value_or(j.progress_key);
  if (const json::array* a = array_at(o, "history")) {
    for (const json::value& v : *a) {
      const json::object* e = v.if_object();
      if (!e) continue;
      std::optional<JobState> from = parse_job_state(get_string(*e, "from"));
      std::optional<JobState> to = parse_job_state(get_string(*e, "to"));
      if (!from || !to) continue;
      j.history.push_back(JobEvent{get_time(*e, "at"), *from, *to, get_string(*e, "reason")});
    }
    while (j.history.size() > JobRuntime::kMaxHistory) j.history.pop_front();
  }
  state_detail::decode_run_records(o, j);
  state_detail::decode_policy_fields(o, j);
  // The original kept no state name; derive one from its last seen status.
  std::optional<JobState> st = parse_job_state(get_string(o, "state"));
  j.state = st            ? *st
            : j.completed ? JobState::completed
            : j.running   ? JobState::running
                          : JobState::stopped;
  state_detail::decode_legacy_job(o, original_last, j);
  return j;
}

// ---- queue, outbox, approvals ----

json::object encode_own_queue_item(const QueueItem& q, const json::storage_ptr& sp) {
  return json::object({{"id", q.id},
                       {"jobId", q.job_id},
                       {"enqueuedAt", q.enqueued_at},
                       {"notBefore", q.not_before},
                       {"source", q.source},
                       {"status", to_string(q.status)},
                       {"exitCode", q.exit_code ? json::value(*q.exit_code) : json::value()},
                       {"startedAt", q.started_at},
                       {"finishedAt", q.finished_at},
                       {"note", q.note}},
                      sp);
}

json::object encode_queue_item(const QueueItem& q, const json::storage_ptr& sp) {
  json::object o = encode_own_queue_item(q, sp);
  state_detail::encode_legacy_queue_item(q, o, sp);
  return o;
}

QueueItem decode_queue_item(const json::object& o) {
  QueueItem q;
  q.id = get_string(o, "id");
  q.job_id = get_string(o, "jobId");
  q.enqueued_at = get_time_any(o, {"enqueuedAt", "createdAt"});
  q.not_before = state_detail::legacy_time(o, "notBefore");
  q.source = opt_string(o, "source").value_or(get_string(o, "reason"));
  q.status = parse_queue_status(get_string(o, "status"));
  std::optional<std::int64_t> code = opt_int(o, "exitCode");
  if (code && *code >= std::numeric_limits<int>::min() && *code <= std::numeric_limits<int>::max())
    q.exit_code = static_cast<int>(*code);
  q.started_at = get_time_any(o, {"startedAt", "lastRunAt"});
  q.finished_at = get_time(o, "finishedAt");
  q.note = opt_string(o, "note").value_or(get_string(o, "lastError"));
  return q;
}

// The keys of cards and groups are written only when set: a plain message reads as before.
json::object encode_outbox_item(const OutboxItem& m, const json::storage_ptr& sp) {
  json::object o({{"seq", m.seq},
                  {"text", m.text},
                  {"alert", m.alert},
                  {"target", m.target},
                  {"createdAt", m.created_at},
                  {"attempts", m.attempts},
                  {"nextAttemptAt", m.next_attempt_at},
                  {"lastError", m.last_error}},
                 sp);
  if (m.not_before != 0) o["notBefore"] = m.not_before;
  if (m.group) o["group"] = true;
  if (!m.card.empty()) o["card"] = m.card;
  if (!m.message_id.empty()) o["messageId"] = m.message_id;
  if (m.card_final) o["cardFinal"] = true;
  return o;
}

json::object encode_cards(const std::map<std::string, CardRecord, std::less<>>& cards,
                          const json::storage_ptr& sp) {
  json::object o(sp);
  for (const auto& [key, c] : cards)
    o[key] =
        json::object({{"chat", c.chat}, {"messageId", c.message_id}, {"lastAt", c.last_at}}, sp);
  return o;
}

std::map<std::string, CardRecord, std::less<>> decode_cards(const json::object& top) {
  std::map<std::string, CardRecord, std::less<>> out;
  if (const json::object* cards = object_at(top, "outboxCards"))
    for (const auto& [key, v] : *cards)
      if (const json::object* c = v.if_object()) {
        CardRecord r{get_string(*c, "chat"), get_string(*c, "messageId"), get_time(*c, "lastAt")};
        if (!key.empty() && !r.message_id.empty()) out.emplace(std::string(key), std::move(r));
      }
  return out;
}

OutboxItem decode_outbox_item(const json::object& o) {
  OutboxItem m;
  m.seq = get_u64(o, "seq");
  m.text = get_string(o, "text");
  m.alert = get_bool(o, "alert");
  m.target = get_string(o, "target");
  m.created_at = get_time(o, "createdAt");
  m.attempts = std::max(get_int32(o, "attempts"), 0);
  m.next_attempt_at = get_time(o, "nextAttemptAt");
  m.last_error = get_string(o, "lastError");
  m.not_before = get_time(o, "notBefore");
  m.group = get_bool(o, "group");
  m.card = get_string(o, "card");
  m.message_id = get_string(o, "messageId");
  m.card_final = get_bool(o, "cardFinal");
  return m;
}

json::object encode_approval(const ApprovalRecord& a, const json::storage_ptr& sp) {
  return json::object({{"jobId", a.job_id},
                       {"fingerprint", a.fingerprint},
                       {"grantedAt", a.granted_at},
                       {"expiresAt", a.expires_at},
                       {"uid", a.uid},
                       {"note", a.note},
                       {"consumed", a.consumed},
                       {"voided", a.voided}},
                      sp);
}

ApprovalRecord decode_approval(const json::object& o) {
  ApprovalRecord a;
  a.job_id = get_string(o, "jobId");
  a.fingerprint = get_string(o, "fingerprint");
  a.granted_at = get_time(o, "grantedAt");
  a.expires_at = get_time(o, "expiresAt");
  a.uid = get_int(o, "uid", -1);
  a.note = get_string(o, "note");
  a.consumed = get_bool(o, "consumed");
  a.voided = get_bool(o, "voided");
  return a;
}

// "q-17" -> 17; anything else (the original's UUIDs) -> 0.
std::uint64_t queue_number(const std::string& id) {
  if (id.rfind("q-", 0) != 0) return 0;
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(id.data() + 2, id.data() + id.size(), n);
  return ec == std::errc() && ptr == id.data() + id.size() ? n : 0;
}

template <class T, class F>
json::array encode_list(const std::vector<T>& items, F encode, const json::storage_ptr& sp) {
  json::array a(sp);
  a.reserve(items.size());
  for (const T& item : items) a.emplace_back(encode(item, sp));
  return a;
}

template <class T, class F>
std::vector<T> decode_list(const json::object& o, std::string_view key, F decode) {
  std::vector<T> out;
  if (const json::array* a = array_at(o, key))
    for (const json::value& v : *a)
      if (const json::object* item = v.if_object()) out.push_back(decode(*item));
  return out;
}

}  // namespace

json::value encode_state(const State& s, const OutboxState& outbox) {
  json::storage_ptr sp = json::make_shared_resource<json::monotonic_resource>();
  json::object jobs(sp);
  jobs.reserve(s.jobs.size());
  for (const auto& [id, job] : s.jobs) jobs.emplace(id, encode_job(job, sp));
  json::object o(sp);
  o["version"] = 1;
  o["updatedAt"] = s.saved_at ? json::value(iso8601_utc(s.saved_at), sp) : json::value(nullptr, sp);
  o["jobs"] = std::move(jobs);
  o["queue"] = encode_list(s.queue, encode_queue_item, sp);
  o["nextQueueId"] = s.next_queue_id;
  o["outbox"] = encode_list(outbox.items, encode_outbox_item, sp);
  o["nextOutboxSeq"] = outbox.next_seq;
  o["outboxLastError"] = outbox.last_error;
  if (!outbox.cards.empty()) o["outboxCards"] = encode_cards(outbox.cards, sp);
  o["approvals"] = encode_list(s.approvals, encode_approval, sp);
  o["writeChains"] = state_detail::encode_write_chains(s.write_chains, sp);
  o[state_detail::kOpsdUpdatedAt] = o["updatedAt"];
  state_detail::encode_legacy_top(s.legacy_json, o);
  return o;
}

Result<State> decode_state(const json::value& v) {
  const json::object* o = v.if_object();
  if (!o) return Error{"state is not a JSON object"};
  State s;
  s.saved_at = get_time(*o, "updatedAt");
  const bool original_last = !state_detail::written_by_opsd(*o);
  if (const json::object* jobs = object_at(*o, "jobs"))
    for (const auto& [id, job] : *jobs)
      if (const json::object* jo = job.if_object(); jo && !id.empty())
        s.jobs.emplace(std::string(id), decode_job(*jo, original_last));

  s.queue = decode_list<QueueItem>(*o, "queue", decode_queue_item);
  if (s.queue.size() > State::kMaxQueue)
    s.queue.erase(s.queue.begin(), s.queue.end() - State::kMaxQueue);
  std::uint64_t next_q = 1;
  for (const QueueItem& q : s.queue) next_q = std::max(next_q, queue_number(q.id) + 1);
  s.next_queue_id = std::max(get_u64(*o, "nextQueueId", 1), next_q);

  s.approvals = decode_list<ApprovalRecord>(*o, "approvals", decode_approval);
  s.write_chains = state_detail::decode_write_chains(*o);
  s.legacy_json = state_detail::legacy_top_fields(*o);
  return s;
}

OutboxState decode_outbox(const json::value& v) {
  OutboxState out;
  const json::object* o = v.if_object();
  if (!o) return out;
  out.items = decode_list<OutboxItem>(*o, "outbox", decode_outbox_item);
  std::stable_sort(out.items.begin(), out.items.end(),
                   [](const OutboxItem& a, const OutboxItem& b) { return a.seq < b.seq; });
  std::uint64_t next_seq = out.items.empty() ? 1 : out.items.back().seq + 1;
  out.next_seq = std::max(get_u64(*o, "nextOutboxSeq", 1), next_seq);
  out.last_error = get_string(*o, "outboxLastError");
  out.cards = decode_cards(*o);
  return out;
}

}  // namespace opsd
