// The daemon shell in-process: its clock, file system, command runner and transports are fakes,
// its control requests go straight to handle_durably.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "fixtures/daemon_loop.hpp"
#include "fixtures/fake_clock.hpp"
#include "fixtures/fault_injecting_file_system.hpp"
#include "service/daemon_impl.hpp"

namespace asio = boost::asio;
namespace json = boost::json;
using opsd::CommandOutput;
using opsd::ParsedResponse;

namespace {

// Keeps every command until the test answers it (on the daemon's loop, never inside run()).
class FakeRunner final : public opsd::Runner {
 public:
  struct Call {
    opsd::RunSpec spec;
    std::function<void(CommandOutput)> done;
  };
  void run(opsd::RunSpec spec, std::function<void(CommandOutput)> done) override {
    calls->push_back({std::move(spec), std::move(done)});
  }
  std::shared_ptr<std::deque<Call>> calls = std::make_shared<std::deque<Call>>();
};

// Delivers every message at once and remembers its text.
class RecordingTransport final : public opsd::Transport {
 public:
  RecordingTransport(asio::any_io_executor ex, std::shared_ptr<std::vector<std::string>> sent)
      : ex_(ex), sent_(std::move(sent)) {}
  void send(const std::string&, const std::string& text, bool,
            std::function<void(opsd::SendResult)> done) override {
    sent_->push_back(text);
    asio::post(ex_, [done] {
      opsd::SendResult r;
      r.kind = opsd::SendResult::Kind::delivered;
      r.http_status = 200;
      done(r);
    });
  }

 private:
  asio::any_io_executor ex_;
  std::shared_ptr<std::vector<std::string>> sent_;
};

std::string temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "opsd-shell-XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  return tmpl;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One daemon on a fresh state dir with job "scan" (long_running_read) and "check" (one-shot).
struct Shell {
  Shell() : fs(opsd::real_file_system()) {
    const std::string dir = temp_dir();
    paths.state_dir = dir;
    paths.config_file = dir + "/net/config/ops-jobs.json";
    paths.state_file = dir + "/net/state/ops-monitor.json";
    paths.socket = dir + "/net/run/opsd.sock";
    paths.logs_dir = dir + "/net/logs";
    paths.audit_log = dir + "/net/state/audit.jsonl";
    paths.openclaw_config = dir + "/openclaw.json";
    paths.home = dir;
    std::filesystem::create_directories(dir + "/net/config");
    std::ofstream(paths.config_file)
        << R"({"version": 1,
      "notify": {"target": "42", "locale": "en"},
      "defaults": {"quietHours": {"start": "00:00", "end": "00:00"}},
      "jobs": [
        {"id": "scan", "kind": "long_running_read", "risk": "read_only", "enabled": true, "cwd": ")"
        << dir << R"(", "commands": {"start": ["sh", "-c", "sleep 1"],
          "status": ["sh", "-c", "status"]}, "policy": {"pollSeconds": 3600}},
        {"id": "check", "kind": "one_shot_read", "risk": "read_only", "cwd": ")"
        << dir << R"(", "commands": {"run": ["sh", "-c", "check"]}}]})";
    std::ofstream(paths.openclaw_config) << R"({"channels": {"telegram": {"botToken": "1:t"}}})";
    opsd::DaemonOptions options;
    options.paths = paths;
    opsd::DaemonSeams seams;
    seams.clock = &clock;
    seams.fs = &fs;
    seams.runner = [this](asio::any_io_executor) {
      auto r = std::make_unique<FakeRunner>();
      calls = r->calls;
      return r;
    };
    seams.transports = [this](asio::any_io_executor ex) -> opsd::TransportFactory {
      return [this, ex](const std::string&, const opsd::TelegramSettings&, const std::string&) {
        return std::make_unique<RecordingTransport>(ex, sent);
      };
    };
    daemon = std::make_unique<opsd::Daemon>(options, std::move(seams));
    REQUIRE_FALSE(daemon->start());
  }
  ~Shell() {
    daemon.reset();
    std::error_code ec;
    std::filesystem::remove_all(paths.state_dir, ec);
  }

  // Runs the loop (time passing on the fake clock too) until `done()`; at most 20 s.
  template <class F>
  bool pump_until(F done) {
    return opsd::testing::pump_daemon_until(*daemon, clock, done);
  }
  // Starts a request; `reply` is set when it is answered.
  void request(const std::string& method, json::object params,
               std::shared_ptr<std::optional<ParsedResponse>> reply) {
    auto req = std::make_shared<opsd::Request>();
    req->id = 1;
    req->method = method;
    req->params = std::move(params);
    opsd::Daemon* d = daemon.get();
    // The request outlives the coroutine that reads it (as a session's does).
    asio::co_spawn(
        daemon->io(),
        [d, req]() -> asio::awaitable<ParsedResponse> {
          co_return co_await d->handle_durably(*req, opsd::PeerCred{1, 1000, 1000});
        },
        [reply](std::exception_ptr e, ParsedResponse r) {
          if (e) std::rethrow_exception(e);
          *reply = std::move(r);
        });
  }
  ParsedResponse call(const std::string& method, json::object params) {
    auto reply = std::make_shared<std::optional<ParsedResponse>>();
    request(method, std::move(params), reply);
    REQUIRE(pump_until([&] { return reply->has_value(); }));
    if ((*reply)->error) UNSCOPED_INFO(method << ": " << (*reply)->error->message);
    return **reply;
  }
  // The oldest unanswered command whose argv ends with `last`, once there is one.
  FakeRunner::Call take(const std::string& last) {
    std::optional<FakeRunner::Call> found;
    REQUIRE(pump_until([&] {
      for (auto it = calls->begin(); it != calls->end(); ++it) {
        if (it->spec.argv.back() != last) continue;
        found = std::move(*it);
        calls->erase(it);
        return true;
      }
      return false;
    }));
    return std::move(*found);
  }
  void answer(FakeRunner::Call call, const std::string& out) {
    CommandOutput o;
    o.exit_code = 0;
    o.stdout_text = out;
    asio::post(daemon->io(), [call = std::move(call), o] { call.done(o); });
  }
  bool sent_contains(const std::string& text) const {
    for (const std::string& s : *sent)
      if (s.find(text) != std::string::npos) return true;
    return false;
  }

  opsd::FakeClock clock{1'700'000'000'000};
  opsd::FaultInjectingFileSystem fs;
  opsd::Paths paths;
  std::shared_ptr<std::deque<FakeRunner::Call>> calls;
  std::shared_ptr<std::vector<std::string>> sent = std::make_shared<std::vector<std::string>>();
  std::unique_ptr<opsd::Daemon> daemon;
};

const std::string kScanRunning =
    R"({"running": true, "completed": false, "progress": {"done": 1}, "message": "scan answered"})";

}  // namespace

TEST_CASE("daemon shell: a change is on disk before its reply", "[daemon]") {
  Shell sh;
  const ParsedResponse r =
      sh.call("enqueue", {{"job", "check"}, {"notBeforeMs", 4'000'000'000'000}});
  REQUIRE_FALSE(r.error);
  const json::value file = json::parse(read_text(sh.paths.state_file));
  REQUIRE(file.at("queue").as_array().size() == 1);
  CHECK(file.at("queue").at(0).at("jobId") == "check");
  // The state file's times come from the daemon's clock.
  CHECK(sh.daemon->engine().state().queue.at(0).enqueued_at >= 1'700'000'000'000);
  CHECK(sh.daemon->engine().state().queue.at(0).enqueued_at < 1'700'000'100'000);
}

TEST_CASE("daemon shell: a change that could not be written is not acknowledged", "[daemon]") {
  Shell sh;
  sh.fs.fail(opsd::FsOp::write, ENOSPC);
  const ParsedResponse r =
      sh.call("enqueue", {{"job", "check"}, {"notBeforeMs", 4'000'000'000'000}});
  REQUIRE(r.error);
  CHECK(r.error->message.find("not saved") != std::string::npos);
  CHECK(r.error->message.find("No space left") != std::string::npos);
  CHECK(json::parse(read_text(sh.paths.state_file)).at("queue").as_array().empty());
  // Once the disk has room again the next change is acknowledged, with both on disk.
  sh.fs.clear();
  REQUIRE_FALSE(sh.call("enqueue", {{"job", "check"}, {"notBeforeMs", 4'000'000'000'000}}).error);
  CHECK(json::parse(read_text(sh.paths.state_file)).at("queue").as_array().size() == 2);
  // A request that changes nothing writes nothing and is answered as usual.
  sh.fs.fail(opsd::FsOp::write, ENOSPC);
  CHECK_FALSE(sh.call("status", {}).error);
}

TEST_CASE("daemon shell: a print-only tick captures its own probe, not an alert raised meanwhile",
          "[daemon]") {
  Shell sh;
  sh.answer(sh.take("status"), kScanRunning);  // the startup probe
  REQUIRE(sh.pump_until([&] { return sh.daemon->engine().state().jobs.at("scan").running; }));
  REQUIRE(sh.pump_until([&] { return sh.daemon->outbox().pending() == 0; }));
  const std::size_t sent_before = sh.sent->size();
  auto tick = std::make_shared<std::optional<ParsedResponse>>();
  sh.request("tick", {{"printOnly", true}}, tick);
  FakeRunner::Call probe = sh.take("status");  // the tick's probe, held
  REQUIRE_FALSE(sh.call("run", {{"job", "check"}}).error);
  sh.answer(sh.take("check"), "ALERT: disk almost full\n");
  REQUIRE(sh.pump_until([&] { return sh.sent_contains("disk almost full"); }));
  CHECK_FALSE(tick->has_value());  // still waiting for its probe
  sh.answer(
      std::move(probe),
      R"({"running": false, "completed": true, "progress": {"done": 2}, "message": "tick news"})");
  REQUIRE(sh.pump_until([&] { return tick->has_value(); }));
  const std::string text = std::string((*tick)->result->at("message").as_string());
  CHECK(text.find("tick news") != std::string::npos);
  CHECK(text.find("disk almost full") == std::string::npos);
  CHECK((*tick)->result->at("sent") == false);
  CHECK_FALSE(sh.sent_contains("tick news"));
  CHECK(sh.sent->size() == sent_before + 1);
}

TEST_CASE("daemon shell: a dry run decides without acting or changing the state", "[daemon]") {
  Shell sh;
  sh.answer(sh.take("status"), kScanRunning);
  REQUIRE(sh.pump_until([&] { return sh.daemon->engine().state().jobs.at("scan").running; }));
  REQUIRE(sh.pump_until([&] { return sh.daemon->outbox().pending() == 0; }));
  const opsd::State before = sh.daemon->engine().state();
  const std::size_t sent_before = sh.sent->size();
  auto tick = std::make_shared<std::optional<ParsedResponse>>();
  sh.request("tick", {{"dryRun", true}}, tick);
  sh.answer(sh.take("status"), R"({"running": false, "completed": true, "progress": {"done": 9}})");
  REQUIRE(sh.pump_until([&] { return tick->has_value(); }));
  REQUIRE_FALSE((*tick)->error);
  CHECK((*tick)->result->at("dryRun") == true);
  CHECK((*tick)->result->at("sent") == false);
  CHECK(std::string((*tick)->result->at("message").as_string()).find("scan") != std::string::npos);
  const opsd::State& after = sh.daemon->engine().state();
  CHECK(after.jobs.at("scan") == before.jobs.at("scan"));  // the real engine saw nothing
  CHECK(sh.sent->size() == sent_before);
  // `run --dry-run` runs nothing.
  const ParsedResponse r = sh.call("run", {{"job", "check"}, {"dryRun", true}});
  REQUIRE_FALSE(r.error);
  CHECK(sh.calls->empty());
  CHECK(sh.daemon->engine().state().queue.empty());
}
