// `opsctl run [--wait]` (ctl_commands.hpp).
#include <boost/json.hpp>
#include <chrono>
#include <iostream>
#include <thread>
#include <variant>

#include "cli/ctl_commands.hpp"
#include "rpc/client.hpp"
#include "util/run_time_format.hpp"

namespace opsd {

namespace json = boost::json;

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(200);
constexpr auto kCallTimeout = std::chrono::seconds(30);

std::string str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

bool flag(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_bool() && it->value().as_bool();
}

// The job's run numbered `number` once it is over (a write: its chain settled too).
std::optional<json::object> finished_run(const json::value& status, const std::string& job,
                                         std::uint64_t number) {
  const json::object* o = status.if_object();
  const json::value* jobs = o ? o->if_contains("jobs") : nullptr;
  if (!jobs || !jobs->is_array()) return std::nullopt;
  for (const json::value& j : jobs->as_array()) {
    const json::object* jo = j.if_object();
    if (!jo || str(*jo, "id") != job) continue;
    const json::value* runs = jo->if_contains("runs");
    if (!runs || !runs->is_array()) return std::nullopt;
    for (const json::value& r : runs->as_array()) {
      const json::object* ro = r.if_object();
      const json::value* n = ro ? ro->if_contains("number") : nullptr;
      if (!n || !n->is_number() || n->to_number<std::uint64_t>() != number) continue;
      if (str(*ro, "chain") == "pending") return std::nullopt;
      return *ro;
    }
  }
  return std::nullopt;
}

// Passed: a write's chain verified; any other run ok (exit 0, no marker, in time).
bool passed(const json::object& run) {
  const std::string chain = str(run, "chain");
  return chain.empty() ? flag(run, "ok") : chain == "verified";
}

void print_outcome(const CtlContext& ctx, const std::string& job, const json::object& run) {
  const json::value* code = run.if_contains("exitCode");
  const std::int64_t ms =
      run.contains("durationMs") ? run.at("durationMs").to_number<std::int64_t>() : 0;
  ctx.out << job << " #" << json::serialize(run.at("number")) << ": "
          << (passed(run) ? "passed" : "FAILED") << " (";
  if (flag(run, "timedOut"))
    ctx.out << "timed out, killed";
  else if (code && code->is_int64())
    ctx.out << "exit " << code->as_int64();
  else if (!str(run, "signal").empty())
    ctx.out << "killed by " << str(run, "signal");
  else
    ctx.out << "did not run";
  ctx.out << ", " << format_run_time(ms) << ")";
  if (const std::string chain = str(run, "chain"); !chain.empty())
    ctx.out << "; verification: " << chain;
  ctx.out << "\n";
  if (const json::value* m = run.if_contains("markers");
      m && m->is_array() && !m->as_array().empty()) {
    ctx.out << "matching lines:\n";
    for (const json::value& line : m->as_array())
      if (line.is_string()) ctx.out << "  " << line.as_string().c_str() << "\n";
  }
  if (const std::string tail = str(run, "outputTail"); !tail.empty()) {
    ctx.out << "output tail:\n" << tail;
    if (tail.back() != '\n') ctx.out << "\n";
  }
}

}  // namespace

int ctl_run(const CtlContext& ctx, const RunRequest& req) {
  json::object params{{"job", req.job}, {"dryRun", req.dry_run}};
  if (req.run_timeout_seconds > 0) params["timeoutSeconds"] = req.run_timeout_seconds;
  Client client(ctx.paths.socket, kCallTimeout);
  auto r = client.call("run", params);
  if (auto* e = std::get_if<ClientError>(&r)) return report_failure(ctx, *e);
  const json::value& v = std::get<json::value>(r);
  const json::object* o = v.if_object();
  if (!req.wait || req.dry_run || !o || !o->contains("run")) {
    if (ctx.json)
      ctx.out << json::serialize(v) << "\n";
    else if (o && !str(*o, "message").empty())
      ctx.out << str(*o, "message") << "\n";
    return kExitOk;
  }
  const auto number = o->at("run").to_number<std::uint64_t>();
  if (!ctx.json) ctx.out << str(*o, "message") << " (run #" << number << ")\n" << std::flush;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(req.wait_limit_ms);
  for (;;) {
    auto s = client.call("status", json::object{{"job", req.job}});
    if (auto* e = std::get_if<ClientError>(&s)) return report_failure(ctx, *e);
    if (auto run = finished_run(std::get<json::value>(s), req.job, number)) {
      if (ctx.json)
        ctx.out << json::serialize(*run) << "\n";
      else
        print_outcome(ctx, req.job, *run);
      return passed(*run) ? kExitOk : kExitFailed;
    }
    if (req.wait_limit_ms > 0 && std::chrono::steady_clock::now() >= deadline) {
      ctx.err << "opsctl: " << req.job << " run #" << number << " has not ended after "
              << format_run_time(req.wait_limit_ms) << "; see 'opsctl status " << req.job << "'\n";
      return kExitFailed;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace opsd
