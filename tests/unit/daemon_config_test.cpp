// The daemon shell and its config file (service/daemon_config.cpp): a broken file at start, the
// last good copy, edits seen by a fake watch. Clock and transports are fakes; files are real.
#include <sys/stat.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "fixtures/daemon_loop.hpp"
#include "fixtures/fake_clock.hpp"
#include "fixtures/fake_file_watch.hpp"
#include "service/daemon_impl.hpp"

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

class NoRunner final : public opsd::Runner {
 public:
  void run(opsd::RunSpec, std::function<void(opsd::CommandOutput)>) override {}
};

class RecordingTransport final : public opsd::Transport {
 public:
  RecordingTransport(asio::any_io_executor ex, std::shared_ptr<std::vector<std::string>> sent)
      : ex_(ex), sent_(std::move(sent)) {}
  void send(const std::string&, const std::string& text, bool,
            std::function<void(opsd::SendResult)> done) override {
    sent_->push_back(text);
    asio::post(ex_, [done] {
      done(opsd::SendResult{opsd::SendResult::Kind::delivered, 200, 0, "", ""});
    });
  }

 private:
  asio::any_io_executor ex_;
  std::shared_ptr<std::vector<std::string>> sent_;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kTwoJobs = R"({"version": 1, "notify": {"target": "42", "locale": "en"},
  "jobs": [{"id": "a", "kind": "one_shot_read", "risk": "read_only", "commands": {"run": ["true"]}},
           {"id": "b", "kind": "one_shot_read", "risk": "read_only", "commands": {"run": ["true"]}}]})";
const std::string kVersion2 = R"({"version": 2, "jobs": []})";

// One daemon whose config file holds `config` at start, on `dir` (a fresh one when "").
struct Shell {
  explicit Shell(const std::string& config, std::string dir = "") {
    if (dir.empty()) {
      dir = (std::filesystem::temp_directory_path() / "opsd-cfg-XXXXXX").string();
      REQUIRE(mkdtemp(dir.data()) != nullptr);
    }
    paths.state_dir = dir;
    paths.config_file = dir + "/net/config/ops-jobs.json";
    paths.state_file = dir + "/net/state/ops-monitor.json";
    paths.socket = dir + "/net/run/opsd.sock";
    paths.logs_dir = dir + "/net/logs";
    paths.audit_log = dir + "/net/state/audit.jsonl";
    paths.openclaw_config = dir + "/openclaw.json";
    paths.home = dir;
    std::filesystem::create_directories(dir + "/net/config");
    write(config);
    std::ofstream(paths.openclaw_config)
        << R"({"channels": {"telegram": {"botToken": "1:t", "allowFrom": ["tg:7"]}}})";
    opsd::DaemonOptions options;
    options.paths = paths;
    opsd::DaemonSeams seams;
    seams.clock = &clock;
    seams.runner = [](asio::any_io_executor) { return std::make_unique<NoRunner>(); };
    seams.transports = [this](asio::any_io_executor ex) -> opsd::TransportFactory {
      return [this, ex](const std::string&, const opsd::TelegramSettings&, const std::string&) {
        return std::make_unique<RecordingTransport>(ex, sent);
      };
    };
    seams.file_watch = [this](asio::any_io_executor, const std::string&) {
      return std::make_unique<opsd::FakeFileWatch>(touched);
    };
    daemon = std::make_unique<opsd::Daemon>(options, std::move(seams));
    REQUIRE_FALSE(daemon->start());
  }
  ~Shell() {
    daemon.reset();
    std::error_code ec;
    if (owns_dir) std::filesystem::remove_all(paths.state_dir, ec);
  }
  void write(const std::string& text) { std::ofstream(paths.config_file) << text; }
  // Runs the loop (the fake clock along with it) until `done()`; at most 20 s.
  template <class F>
  bool pump_until(F done) {
    return opsd::testing::pump_daemon_until(*daemon, clock, done);
  }
  // The file was touched; runs the loop past the debounce.
  void touch() {
    REQUIRE(*touched);
    (*touched)();
    const opsd::TimeMs until = clock.now() + 2 * opsd::ConfigWatchPolicy::kDebounceMs;
    REQUIRE(pump_until([&] { return clock.now() > until; }));
  }
  int alerts() const {
    int n = 0;
    for (const std::string& s : *sent) n += s.find("ops-jobs config invalid") != std::string::npos;
    return n;
  }
  json::object config_status() {
    auto reply = std::make_shared<std::optional<opsd::ParsedResponse>>();
    auto req = std::make_shared<opsd::Request>();
    req->id = 1;
    req->method = "status";
    opsd::Daemon* d = daemon.get();
    asio::co_spawn(
        daemon->io(),
        [d, req]() -> asio::awaitable<opsd::ParsedResponse> {
          co_return co_await d->handle_durably(*req, opsd::PeerCred{1, 1000, 1000});
        },
        [reply](std::exception_ptr e, opsd::ParsedResponse r) {
          if (e) std::rethrow_exception(e);
          *reply = std::move(r);
        });
    REQUIRE(pump_until([&] { return reply->has_value(); }));
    return json::parse(*(*reply)->result_text).as_object().at("config").as_object();
  }

  opsd::FakeClock clock{1'700'000'000'000};
  opsd::Paths paths;
  std::shared_ptr<std::vector<std::string>> sent = std::make_shared<std::vector<std::string>>();
  std::shared_ptr<std::function<void()>> touched = std::make_shared<std::function<void()>>();
  std::unique_ptr<opsd::Daemon> daemon;
  bool owns_dir = true;  // the destructor removes the state dir
};

}  // namespace

TEST_CASE("daemon config: started on a broken file without a copy it runs no jobs and alerts",
          "[daemon_config]") {
  Shell sh(kVersion2);
  CHECK(sh.daemon->engine().config().jobs.empty());
  REQUIRE(sh.pump_until([&] { return sh.alerts() == 1; }));
  CHECK(sh.sent->front().find("version: must be 1") != std::string::npos);
  json::object c = sh.config_status();
  CHECK(c.at("ok") == false);
  CHECK(c.at("running") == "none");
  // The fix applies when the watch says the file was touched, and becomes the good copy.
  sh.write(kTwoJobs);
  sh.touch();
  CHECK(sh.daemon->engine().config().jobs.size() == 2);
  CHECK(sh.config_status().at("running") == "file");
  CHECK(read_text(sh.paths.state_dir + "/net/state/last-good-config.json") == kTwoJobs);
  CHECK(sh.alerts() == 1);
}

TEST_CASE("daemon config: a broken edit keeps the jobs and alerts once per distinct errors",
          "[daemon_config]") {
  Shell sh(kTwoJobs);
  sh.touch();  // nothing changed: nothing happens
  CHECK(sh.alerts() == 0);
  sh.write(kVersion2);
  sh.touch();
  REQUIRE(sh.pump_until([&] { return sh.alerts() == 1; }));
  CHECK(sh.daemon->engine().config().jobs.size() == 2);
  CHECK(sh.config_status().at("running") == "last-good");
  sh.write(kVersion2 + "\n");  // other bytes, the same errors
  sh.touch();
  sh.write("{");
  sh.touch();
  REQUIRE(sh.pump_until([&] { return sh.alerts() == 2; }));
  sh.write(kTwoJobs);
  sh.touch();
  CHECK(sh.config_status().at("ok") == true);
  sh.write(kVersion2);
  sh.touch();
  REQUIRE(sh.pump_until([&] { return sh.alerts() == 3; }));
  CHECK(sh.daemon->engine().config().jobs.size() == 2);
}

TEST_CASE("daemon config: a restart on a broken file runs the last good copy", "[daemon_config]") {
  std::string dir;
  {
    Shell first(kTwoJobs);
    dir = first.paths.state_dir;
    first.owns_dir = false;
  }
  Shell second(kVersion2, dir);
  CHECK(second.daemon->engine().config().jobs.size() == 2);
  CHECK(second.config_status().at("running") == "last-good");
  REQUIRE(second.pump_until([&] { return second.alerts() == 1; }));
  CHECK(second.sent->front().find("last-good-config.json") != std::string::npos);
  // Its notifications go where the last good config says.
  CHECK(second.sent->front().find("Status: ops-jobs config invalid") != std::string::npos);
}

namespace {

// The state file's inode: a write (temp file, rename) makes a new one.
ino_t state_inode(const Shell& sh) {
  struct stat st {};
  return ::stat(sh.paths.state_file.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace

TEST_CASE("daemon config: an edit that changes no job leaves the state file as it was",
          "[daemon_config]") {
  Shell sh(kTwoJobs);
  REQUIRE(sh.pump_until([&] { return state_inode(sh) != 0; }));
  const auto settle = sh.clock.now() + 1000;  // past the coalescing delay of any write
  REQUIRE(sh.pump_until([&] { return sh.clock.now() > settle; }));
  const ino_t before = state_inode(sh);
  sh.write(kTwoJobs + "\n\n");  // other bytes, the same jobs: applied, nothing to write
  sh.touch();
  const auto after_edit = sh.clock.now() + 1000;
  REQUIRE(sh.pump_until([&] { return sh.clock.now() > after_edit; }));
  CHECK(state_inode(sh) == before);
  std::string changed = kTwoJobs;
  changed.replace(changed.find(R"(["true"])"), 8, R"(["false"])");
  sh.write(changed);
  sh.touch();
  REQUIRE(sh.pump_until([&] { return state_inode(sh) != before; }));
}
