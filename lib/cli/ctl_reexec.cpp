// `opsctl reexec` (docs/control-protocol.md): asks opsd to re-execute its binary, then waits for
// the new image to answer.
#include <boost/json.hpp>
#include <chrono>
#include <thread>
#include <variant>

#include "cli/ctl_commands.hpp"
#include "rpc/client.hpp"

namespace opsd {

namespace json = boost::json;

namespace {

// The pre-flight alone may take 10 s, and waiting for probes in flight 8 s more.
constexpr auto kReexecCallTimeout = std::chrono::seconds(40);
constexpr auto kComeBackLimit = std::chrono::seconds(20);
constexpr auto kPollInterval = std::chrono::milliseconds(100);

std::string string_of(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

std::int64_t int_of(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_int64() ? it->value().as_int64() : 0;
}

}  // namespace

std::optional<std::string> reexec_outcome(const json::object& before, const json::object& now) {
  if (int_of(now, "startedAt") == int_of(before, "startedAt")) return std::nullopt;
  return "opsd " + string_of(now, "version") + " replaced opsd " + string_of(before, "version") +
         " (pid " + std::to_string(int_of(now, "pid")) + ")";
}

int ctl_reexec(const CtlContext& ctx) {
  Client client(ctx.paths.socket, kReexecCallTimeout);
  auto r = client.call("reexec", {});
  if (auto* e = std::get_if<ClientError>(&r)) return report_failure(ctx, *e);
  const json::value& answer = std::get<json::value>(r);
  if (!answer.is_object()) {
    ctx.err << "opsctl: unexpected reexec answer: " << json::serialize(answer) << "\n";
    return kExitFailed;
  }
  const json::object& before = answer.as_object();
  const auto deadline = std::chrono::steady_clock::now() + kComeBackLimit;
  std::string last_error = "no answer yet";
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kPollInterval);
    Client poll(ctx.paths.socket, std::chrono::seconds(2));
    auto v = poll.call("version", {});
    if (auto* e = std::get_if<ClientError>(&v)) {
      last_error = e->message;
      continue;
    }
    const json::value& now = std::get<json::value>(v);
    if (!now.is_object()) continue;
    if (std::optional<std::string> done = reexec_outcome(before, now.as_object())) {
      if (ctx.json)
        ctx.out << json::serialize(now) << "\n";
      else
        ctx.out << *done << "\n";
      return kExitOk;
    }
  }
  ctx.err << "opsctl: opsd accepted the reexec but no new image answered within "
          << kComeBackLimit.count() << " s (" << last_error
          << "); see opsd's log for why it kept running\n";
  return kExitFailed;
}

}  // namespace opsd
