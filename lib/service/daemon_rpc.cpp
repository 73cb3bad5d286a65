// Answering control-socket requests (docs/control-protocol.md): thin glue from JSON params to the
// engine.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <set>

#include "config/fingerprint.hpp"
#include "engine/approval.hpp"
#include "engine/backoff.hpp"
#include "engine/message_builder.hpp"
#include "engine/mute.hpp"
#include "process/log_writer.hpp"
#include "service/daemon_impl.hpp"
#include "service/refusal_fault.hpp"
#include "state/file_system.hpp"
#include "util/secret_redactor.hpp"
#include "util/time_format.hpp"
#include "version.hpp"

namespace opsd {

namespace json = boost::json;

namespace {

// How long a tick waits for its probes beyond the longest status timeout.
constexpr TimeMs kTickSlackMs = 5000;
constexpr std::size_t kMaxLogLines = 10000;
constexpr std::size_t kMaxLogChunk = 64 * 1024;

ParsedResponse fail(Fault code, std::string message) {
  ParsedResponse r;
  r.error = RpcError{code, std::move(message)};
  return r;
}

ParsedResponse fail(const Refused& refused) {
  ParsedResponse r;
  r.error = to_rpc_error(refused);
  return r;
}

ParsedResponse ok(json::value v) {
  ParsedResponse r;
  r.result = std::move(v);
  return r;
}

ParsedResponse from_outcome(const Outcome& o) {
  if (o.error) return fail(*o.error);
  return ok(json::object{{"message", o.message}});
}

std::optional<std::string> string_param(const json::object& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().as_string());
}

bool bool_param(const json::object& p, std::string_view key) {
  auto it = p.find(key);
  return it != p.end() && it->value().is_bool() && it->value().as_bool();
}

std::optional<std::int64_t> int_param(const json::object& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end() || !it->value().is_number()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().as_uint64());
  return static_cast<std::int64_t>(it->value().as_double());
}

}  // namespace

void Daemon::audit(json::object entry) {
  unwritten_audit_.push_back(std::move(entry));
  flush_audit();
}

void Daemon::flush_audit() {
  // In order; what cannot be written now is retried with the next entry or state write.
  while (!unwritten_audit_.empty()) {
    if (Status st = audit_->append(unwritten_audit_.front()); !st) {
      spdlog::error("audit log {}: {} ({} entries waiting)", opts_.paths.audit_log, st.message(),
                    unwritten_audit_.size());
      audit_error_ = st.message();
      return;
    }
    unwritten_audit_.pop_front();
  }
}

asio::awaitable<ParsedResponse> Daemon::handle(const Request& req, const PeerCred& peer) {
  const json::object& p = req.params;
  const std::string& m = req.method;
  if (m == "version")
    co_return ok(
        json::object{{"version", kVersion}, {"pid", info_.pid}, {"startedAt", info_.started_at}});
  if (m == "status") co_return handle_status(p);
  if (shutting_down_) co_return fail(Fault::shutting_down, "opsd is shutting down");
  if (m == "tick") co_return co_await handle_tick(p);
  if (m == "logs") co_return handle_logs(p);
  if (m == "reexec") co_return co_await handle_reexec();
  if (m == "reload") {
    std::string summary;
    std::optional<RpcError> error;
    reload(summary, error);
    if (error) co_return fail(error->code, error->message);
    co_return ok(json::object{{"message", summary}});
  }

  static const std::set<std::string> kJobMethods = {"start",   "stop", "run",   "approve",
                                                    "enqueue", "mute", "unmute"};
  if (!kJobMethods.count(m)) co_return fail(Fault::method_not_found, "unknown method '" + m + "'");
  std::optional<std::string> job = string_param(p, "job");
  if (!job || job->empty()) co_return fail(Fault::invalid_params, "missing string param 'job'");
  if (m == "start") {
    bool allow_risk = bool_param(p, "allowRisk");
    Outcome o = engine_->request_start(*job, allow_risk, clock_.now());
    const Job* def = engine_->config().find(*job);
    if (def && def->risk != Risk::read_only && def->kind == JobKind::long_running_read &&
        (o.ok() || o.error->code == Refusal::refused_by_policy))
      audit(json::object{{"event", o.ok() ? "start_with_risk" : "start_refused"},
                         {"job", *job},
                         {"uid", peer.uid},
                         {"risk", to_string(def->risk)},
                         {"allowRisk", allow_risk},
                         {"fingerprint", engine_->fingerprint(*def)},
                         {"note", o.ok() ? o.message : o.error->message}});
    dispatch(std::move(o));
    co_return from_outcome(o);
  }
  if (m == "stop") {
    Outcome o = engine_->request_stop(*job, clock_.now());
    dispatch(std::move(o));
    co_return from_outcome(o);
  }
  if (m == "run") co_return handle_run(p, peer);
  if (m == "approve") co_return handle_approve(p, peer);
  if (m == "mute" || m == "unmute") co_return handle_mute(m == "mute", p, peer);
  if (m == "enqueue") {
    TimeMs not_before = 0;
    if (auto s = string_param(p, "notBefore"); s && !s->empty()) {
      Result<TimeMs> t = parse_iso8601(*s);
      if (!t) co_return fail(Fault::invalid_params, "notBefore: " + t.error().message);
      not_before = *t;
    } else if (auto ms = int_param(p, "notBeforeMs")) {
      not_before = *ms;
    }
    Outcome o = engine_->request_enqueue(*job, not_before, "opsctl", clock_.now());
    dispatch(std::move(o));
    co_return from_outcome(o);
  }
  co_return fail(Fault::method_not_found, "unknown method '" + m + "'");
}

ParsedResponse Daemon::handle_run(const json::object& p, const PeerCred& peer) {
  std::string job = *string_param(p, "job");
  const Job* def = engine_->config().find(job);
  if (!def) return fail(unknown_job(job));
  if (bool_param(p, "dryRun")) {
    Engine copy = *engine_;
    Outcome o = copy.request_run(job, clock_.now());
    if (o.error) return fail(*o.error);
    return ok(json::object{{"message", "dry run: would run " + job}});
  }
  std::optional<std::int64_t> limit = int_param(p, "timeoutSeconds");
  if (limit && *limit <= 0) return fail(Fault::invalid_params, "timeoutSeconds must be > 0");
  if (limit) run_timeouts_[job] = *limit;
  Outcome o = engine_->request_run(job, clock_.now(), peer.uid);
  if (o.error) run_timeouts_.erase(job);
  dispatch(std::move(o));  // the step; error and message stay
  if (o.error) return from_outcome(o);
  // The run's number, which `opsctl run --wait` looks for in the job's runs.
  auto rt = engine_->state().jobs.find(job);
  const std::uint64_t number = rt == engine_->state().jobs.end() ? 0 : rt->second.runs_started;
  return ok(json::object{{"message", o.message}, {"run", number}});
}

ParsedResponse Daemon::handle_mute(bool mute, const json::object& p, const PeerCred& peer) {
  const std::string job = *string_param(p, "job");
  const TimeMs now = clock_.now();
  if (!mute) {
    Outcome o = engine_->request_unmute(job, peer.uid, now);
    dispatch(std::move(o));
    return from_outcome(o);
  }
  const std::int64_t secs = int_param(p, "forSeconds").value_or(kDefaultMute / 1000);
  if (secs <= 0) return fail(Fault::invalid_params, "forSeconds must be > 0");
  const TimeMs until = now + seconds(secs);
  Outcome o =
      engine_->request_mute(job, until, string_param(p, "note").value_or(""), peer.uid, now);
  dispatch(std::move(o));
  if (o.error) return fail(*o.error);
  return ok(json::object{{"message", o.message}, {"until", iso8601_utc(until)}});
}

ParsedResponse Daemon::handle_approve(const json::object& p, const PeerCred& peer) {
  std::string job = *string_param(p, "job");
  const Job* def = engine_->config().find(job);
  if (!def) return fail(unknown_job(job));
  if (def->kind != JobKind::one_shot_write)
    return fail(Fault::wrong_kind, "job '" + job + "' is " + std::string(to_string(def->kind)) +
                                       "; only one_shot_write jobs take approvals");
  std::int64_t ttl = int_param(p, "ttlSeconds").value_or(3600);
  if (ttl <= 0) return fail(Fault::invalid_params, "ttlSeconds must be > 0");
  std::string note = string_param(p, "note").value_or("");
  TimeMs now = clock_.now();
  Outcome o = engine_->request_approve(job, seconds(ttl), peer.uid, note, now);
  dispatch(std::move(o));
  if (o.error) return fail(*o.error);
  return ok(json::object{{"message", o.message},
                         {"fingerprint", engine_->fingerprint(*def)},
                         {"expiresAt", iso8601_utc(now + seconds(ttl))}});
}

ParsedResponse Daemon::handle_status(const json::object& p) const {
  const std::string job = string_param(p, "job").value_or("");
  if (!job.empty() && !engine_->config().find(job)) return fail(unknown_job(job));
  const StatusQuery query{job, bool_param(p, "brief"), next_resume_at};
  return ParsedResponse::success_text(render_status(engine_->config(), engine_->state(), info_,
                                                    query, clock_.now(), outbox_->state()));
}

ParsedResponse Daemon::handle_logs(const json::object& p) {
  std::optional<std::string> job = string_param(p, "job");
  if (!job || !engine_->config().find(*job)) return fail(unknown_job(job.value_or("")));
  std::string path = log_path(*job);
  if (auto offset = int_param(p, "offset")) {
    // Follow mode: bytes from `offset` on (bounded), and the new end.
    std::ifstream in(path, std::ios::binary);
    if (!in) return ok(json::object{{"path", path}, {"data", ""}, {"size", 0}});
    in.seekg(0, std::ios::end);
    std::int64_t size = in.tellg();
    std::int64_t from = (*offset > size) ? 0 : *offset;  // rotated: start over
    std::int64_t n = std::min<std::int64_t>(size - from, kMaxLogChunk);
    std::string data(static_cast<std::size_t>(n), '\0');
    in.seekg(from);
    in.read(data.data(), n);
    return ok(json::object{{"path", path}, {"data", data}, {"size", from + n}});
  }
  std::size_t lines = static_cast<std::size_t>(std::clamp<std::int64_t>(
      int_param(p, "lines").value_or(50), 1, static_cast<std::int64_t>(kMaxLogLines)));
  json::array out;
  std::int64_t size = 0;
  if (fs_.exists(path)) {
    Result<std::vector<std::string>> tail = tail_lines(path, lines);
    if (!tail) return fail(Fault::internal_error, tail.error().message);
    for (auto& l : *tail) out.emplace_back(l);
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    size = in ? static_cast<std::int64_t>(in.tellg()) : 0;
  }
  return ok(json::object{{"path", path}, {"lines", std::move(out)}, {"size", size}});
}

asio::awaitable<ParsedResponse> Daemon::handle_tick(const json::object& p) {
  bool print_only = bool_param(p, "printOnly");
  bool dry_run = bool_param(p, "dryRun");
  if (capture_) co_return fail(Fault::already_running, "a tick is already in progress");
  std::shared_ptr<Engine> dry = dry_run ? std::make_shared<Engine>(*engine_) : nullptr;
  Engine& target = dry ? *dry : *engine_;
  TickCapture capture;
  asio::steady_timer wake(io_);
  capture.wake = &wake;
  capture_ = &capture;
  std::int64_t longest = 0;
  for (const Job& j : engine_->config().jobs)
    longest = std::max(longest, j.policy.status_timeout_seconds);
  dispatch(target.request_tick(clock_.now()), dry, /*for_tick=*/true);
  if (!capture.awaiting.empty()) {
    wake.expires_after(std::chrono::milliseconds(seconds(longest) + kTickSlackMs));
    co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  capture_ = nullptr;
  std::string text;
  if (!capture.sections.empty())
    text = redact_secrets(
        build_message(capture.sections, clock_.now(), engine_->config().notify.locale, clock_),
        secrets_);
  bool sent = false;
  if (!text.empty() && !print_only && !dry_run) {
    post_sections(std::move(capture.sections), capture.alert);
    sent = true;
  }
  co_return ok(json::object{{"message", text},
                            {"sent", sent},
                            {"alert", capture.alert},
                            {"pendingProbes", capture.awaiting.size()},
                            {"dryRun", dry_run}});
}

}  // namespace opsd
