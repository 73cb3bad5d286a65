#include "cli/ctl_commands.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <iostream>
#include <thread>
#include <variant>

#include "cli/status_table.hpp"
#include "process/log_writer.hpp"
#include "rpc/client.hpp"
#include "util/clock.hpp"

namespace opsd {

namespace json = boost::json;

namespace {

constexpr auto kFollowInterval = std::chrono::milliseconds(500);
// A tick waits for every probe; give it more than the default RPC timeout.
constexpr auto kTickTimeout = std::chrono::minutes(5);

}  // namespace

int report_failure(const CtlContext& ctx, const ClientError& e) {
  if (e.kind == ClientError::Kind::unreachable) {
    ctx.err << "opsctl: opsd is not reachable at " << ctx.paths.socket << " (" << e.message
            << ").\nStart it with 'opsd --state-dir " << ctx.paths.state_dir
            << "' or 'systemctl --user start opsd'.\n";
    return kExitUnreachable;
  }
  if (e.kind == ClientError::Kind::rpc && e.rpc) {
    if (ctx.json) {
      ctx.out << json::serialize(
                     json::object{{"error", json::object{{"code", static_cast<int>(e.rpc->code)},
                                                         {"fault", e.rpc->name()},
                                                         {"message", e.rpc->message}}}})
              << "\n";
    }
    ctx.err << "opsctl: " << e.rpc->message << "\n";
    return exit_code_for(e.rpc->code);
  }
  ctx.err << "opsctl: " << e.message << "\n";
  return kExitFailed;
}

namespace {

// Calls the daemon; on failure prints why and sets `code`.
std::optional<json::value> call(const CtlContext& ctx, const std::string& method,
                                const json::object& params, int& code,
                                std::chrono::milliseconds timeout = std::chrono::seconds(30),
                                json::storage_ptr sp = {}) {
  Client client(ctx.paths.socket, timeout);
  auto r = client.call(method, params, std::move(sp));
  if (auto* v = std::get_if<json::value>(&r)) {
    code = kExitOk;
    return std::move(*v);
  }
  code = report_failure(ctx, std::get<ClientError>(r));
  return std::nullopt;
}

void print_result(const CtlContext& ctx, const json::value& v) {
  if (ctx.json) {
    ctx.out << json::serialize(v) << "\n";
    return;
  }
  if (v.is_object()) {
    if (auto it = v.as_object().find("message");
        it != v.as_object().end() && it->value().is_string()) {
      if (!it->value().as_string().empty()) ctx.out << it->value().as_string().c_str() << "\n";
      return;
    }
  }
  ctx.out << json::serialize(v) << "\n";
}

}  // namespace

int exit_code_for(Fault f) {
  switch (f) {
    case Fault::parse_error:
    case Fault::invalid_request:
    case Fault::method_not_found:
    case Fault::invalid_params:
    case Fault::config_error:
      return kExitUsage;
    default:
      return kExitFailed;
  }
}

int ctl_call(const CtlContext& ctx, const std::string& method, const json::object& params) {
  int code = kExitOk;
  if (auto v = call(ctx, method, params, code)) print_result(ctx, *v);
  return code;
}

int ctl_status(const CtlContext& ctx, const std::string& job) {
  json::object params;
  if (!job.empty()) params["job"] = job;
  if (ctx.json) {
    // Printed as the daemon wrote it: no parse and re-serialization of a large answer.
    Client client(ctx.paths.socket, std::chrono::seconds(30));
    auto r = client.call_text("status", params);
    if (auto* e = std::get_if<ClientError>(&r)) return report_failure(ctx, *e);
    ctx.out << std::get<std::string>(r) << "\n";
    return kExitOk;
  }
  // The table needs a few fields of each job: the daemon sends only those.
  params["brief"] = true;
  int code = kExitOk;
  // The answer lives in this arena: thousands of values, none freed one by one.
  json::monotonic_resource arena;
  auto v = call(ctx, "status", params, code, std::chrono::seconds(30), &arena);
  if (!v) return code;
  if (!v->is_object()) {
    ctx.out << json::serialize(*v) << "\n";
    return kExitOk;
  }
  ctx.out << render_status_table(v->as_object(), SystemClock().now(), ctx.table_width);
  return kExitOk;
}

int ctl_tick(const CtlContext& ctx, bool print_only, bool dry_run) {
  json::object params{{"printOnly", print_only}, {"dryRun", dry_run}};
  int code = kExitOk;
  auto v = call(ctx, "tick", params, code, kTickTimeout);
  if (!v) return code;
  if (ctx.json || !v->is_object()) {
    ctx.out << json::serialize(*v) << "\n";
    return kExitOk;
  }
  const json::object& o = v->as_object();
  std::string text = o.contains("message") && o.at("message").is_string()
                         ? std::string(o.at("message").as_string())
                         : "";
  if (text.empty())
    ctx.out << "nothing to report\n";
  else
    ctx.out << text << "\n";
  return kExitOk;
}

int ctl_logs(const CtlContext& ctx, const std::string& job, int lines, bool follow) {
  int code = kExitOk;
  auto v = call(ctx, "logs", json::object{{"job", job}, {"lines", lines}}, code);
  if (!v) return code;
  if (ctx.json && !follow) {
    ctx.out << json::serialize(*v) << "\n";
    return kExitOk;
  }
  const json::object& o = v->as_object();
  if (auto it = o.find("lines"); it != o.end() && it->value().is_array())
    for (const auto& l : it->value().as_array())
      if (l.is_string()) ctx.out << l.as_string().c_str() << "\n";
  ctx.out.flush();
  if (!follow) return kExitOk;
  std::int64_t offset = o.contains("size") ? o.at("size").to_number<std::int64_t>() : 0;
  for (;;) {
    std::this_thread::sleep_for(kFollowInterval);
    auto chunk = call(ctx, "logs", json::object{{"job", job}, {"offset", offset}}, code);
    if (!chunk) return code;
    const json::object& c = chunk->as_object();
    if (c.contains("data") && c.at("data").is_string()) ctx.out << c.at("data").as_string().c_str();
    ctx.out.flush();
    offset = c.contains("size") ? c.at("size").to_number<std::int64_t>() : offset;
  }
}

int ctl_audit(const CtlContext& ctx, int lines) {
  Result<std::vector<std::string>> tail =
      tail_lines(ctx.paths.audit_log, static_cast<std::size_t>(std::max(lines, 1)));
  if (!tail) {
    ctx.err << "opsctl: cannot read audit log " << ctx.paths.audit_log << ": "
            << tail.error().message << "\n";
    return kExitFailed;
  }
  for (const auto& l : *tail) ctx.out << l << "\n";
  return kExitOk;
}

}  // namespace opsd
