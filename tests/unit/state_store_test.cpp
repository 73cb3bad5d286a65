#include "state/state_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fixtures/fault_injecting_file_system.hpp"
#include "state/state_codec.hpp"

namespace fs = std::filesystem;
using opsd::FaultInjectingFileSystem;
using opsd::FsOp;

namespace {

constexpr opsd::TimeMs kNow = 1'700'000'000'000;

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "opsd-store-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("a state file that cannot be read is never to be saved over", "[state_store]") {
  TempDir d;
  std::string path = d.path + "/ops-monitor.json";
  write(path, R"({"version":1,"queue":[{"id":"q-1","jobId":"a"}]})");
  FaultInjectingFileSystem faulty(opsd::real_file_system());
  faulty.fail(FsOp::read, EACCES);
  opsd::StateLoad load = opsd::load_state(faulty, path, kNow);
  CHECK(load.unsafe_to_save);
  CHECK(load.quarantined_to.empty());
  CHECK(load.error.find(path) != std::string::npos);
  CHECK(load.error.find("Permission denied") != std::string::npos);
  CHECK(fs::exists(path));
}

TEST_CASE("a state file that is a directory cannot be read and is kept", "[state_store]") {
  TempDir d;
  std::string path = d.path + "/ops-monitor.json";
  fs::create_directory(path);
  opsd::StateLoad load = opsd::load_state(opsd::real_file_system(), path, kNow);
  CHECK(load.unsafe_to_save);
  CHECK(load.error.find("Is a directory") != std::string::npos);
  CHECK(fs::is_directory(path));
}

TEST_CASE("wrong types in a hand-edited state file quarantine it, naming the field",
          "[state_store]") {
  TempDir d;
  std::string path = d.path + "/ops-monitor.json";
  write(path, R"({"version":1,"queue":"x","outbox":[{"seq":"a","text":"t"}]})");
  opsd::StateLoad load = opsd::load_state(opsd::real_file_system(), path, kNow);
  CHECK_FALSE(load.unsafe_to_save);
  REQUIRE_FALSE(load.quarantined_to.empty());
  CHECK(fs::exists(load.quarantined_to));
  CHECK_FALSE(fs::exists(path));
  CHECK(load.error.find("$.queue: expected an array, got string") != std::string::npos);
  CHECK(load.error.find("$.outbox[0].seq") != std::string::npos);
  CHECK(load.state.queue.empty());
}

TEST_CASE("a well-typed state file loads", "[state_store]") {
  TempDir d;
  std::string path = d.path + "/ops-monitor.json";
  write(path, R"({"version":1,"queue":[{"id":"q-4","jobId":"a","status":"pending"}]})");
  opsd::StateLoad load = opsd::load_state(opsd::real_file_system(), path, kNow);
  CHECK(load.error.empty());
  REQUIRE(load.state.queue.size() == 1);
  CHECK(load.state.queue[0].id == "q-4");
}

TEST_CASE("the read cap grows with the config and the writer keeps to it", "[state_store]") {
  CHECK(opsd::state_read_cap(0) == opsd::kMaxStateFileBytes);
  CHECK(opsd::state_read_cap(100'000) == 100'000 * opsd::kStateBytesPerJob);
  CHECK(opsd::state_read_cap(100'000) > 77u * 1000 * 1000);  // the 100,000-job file of issue 21
  TempDir d;
  std::string path = d.path + "/ops-monitor.json";
  opsd::State s;
  s.jobs["a"].message = std::string(4096, 'm');
  std::size_t bytes = 0;
  opsd::Status st = opsd::save_state(opsd::real_file_system(), path, s, {}, kNow, 1024, &bytes);
  REQUIRE_FALSE(st.ok());
  CHECK(bytes > 4096);
  CHECK(st.message().find("over the 1024-byte cap") != std::string::npos);
  CHECK_FALSE(fs::exists(path));
  REQUIRE(opsd::save_state(opsd::real_file_system(), path, s, {}, kNow, bytes, &bytes).ok());
  opsd::StateLoad load = opsd::load_state(opsd::real_file_system(), path, kNow, bytes);
  CHECK(load.error.empty());
  CHECK(load.state.jobs["a"].message.size() == 4096);
}

TEST_CASE("the state file is indented JSON that escapes like Boost.JSON", "[state_store]") {
  opsd::State s;
  opsd::JobRuntime& rt = s.jobs["q\"uote\\d"];
  rt.message = std::string("tab\tnl\ncr\rbs\bff\f\x01\x1f del\x7f \xc3\xa9 \"q\" \\");
  rt.last_progress_at = -5;
  rt.runs_started = 18'446'744'073'709'551'615ULL;
  opsd::OutboxState outbox;
  outbox.items.push_back(opsd::OutboxItem{7, "\xe4\xbd\xa0\xe5\xa5\xbd", true, "", kNow, 0, 0, ""});
  const std::string text = opsd::state_file_text(s, outbox);
  CHECK(boost::json::parse(text) == opsd::encode_state(s, outbox));
  CHECK(text.find(R"(tab\tnl\ncr\rbs\bff\f\u0001\u001f del)") != std::string::npos);
  CHECK(text.find("\x7f \xc3\xa9 ") != std::string::npos);  // as is, like Boost.JSON
  CHECK(text.find("\n  \"jobs\": {\n    \"q\\\"uote\\\\d\": {\n") != std::string::npos);
}
