#include "process/child_env.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

using opsd::child_environment;
using opsd::resolve_executable;

namespace {

struct TempDir {
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "opsd-env-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

void write_file(const std::string& path, mode_t mode) {
  std::ofstream(path) << "#!/bin/sh\nexit 0\n";
  ::chmod(path.c_str(), mode);
}

bool contains(const std::vector<std::string>& env, const std::string& entry) {
  return std::find(env.begin(), env.end(), entry) != env.end();
}

bool has_key(const std::vector<std::string>& env, const std::string& key) {
  return std::any_of(env.begin(), env.end(),
                     [&](const std::string& e) { return e.rfind(key + "=", 0) == 0; });
}

}  // namespace

TEST_CASE("child environment drops the service manager's variables and adds OPS_", "[process]") {
  std::vector<std::string> entries = {
      "PATH=/usr/bin:/bin",     "HOME=/home/ops",     "NOTIFY_SOCKET=/run/systemd/notify",
      "WATCHDOG_USEC=30000000", "WATCHDOG_PID=1",     "LISTEN_FDS=2",
      "LISTEN_PID=1",           "LISTEN_FDNAMES=a:b", "INVOCATION_ID=abc",
      "OPS_JOB_ID=stale",       "NOEQUALS",           "LISTENER=kept"};
  std::vector<char*> environ_in;
  for (auto& e : entries) environ_in.push_back(e.data());
  environ_in.push_back(nullptr);

  auto env = child_environment(environ_in.data(), "scan-photos", "/var/lib/openclaw");

  CHECK(contains(env, "PATH=/usr/bin:/bin"));
  CHECK(contains(env, "HOME=/home/ops"));
  CHECK(contains(env, "INVOCATION_ID=abc"));
  CHECK(contains(env, "LISTENER=kept"));
  for (const char* key : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS",
                          "LISTEN_PID", "LISTEN_FDNAMES"}) {
    CHECK_FALSE(has_key(env, key));
  }
  CHECK_FALSE(contains(env, "NOEQUALS"));
  CHECK_FALSE(contains(env, "OPS_JOB_ID=stale"));
  REQUIRE(env.size() >= 2);
  CHECK(env[env.size() - 2] == "OPS_JOB_ID=scan-photos");
  CHECK(env.back() == "OPS_STATE_DIR=/var/lib/openclaw");
}

TEST_CASE("children get neither TELEGRAM_BOT_TOKEN nor a variable holding a secret", "[process]") {
  std::vector<std::string> entries = {"TELEGRAM_BOT_TOKEN=123:abc", "MY_BOT=xx-123:abcdef-yy",
                                      "PATH=/bin", "TOKENISH=harmless"};
  std::vector<char*> environ_in;
  for (auto& e : entries) environ_in.push_back(e.data());
  environ_in.push_back(nullptr);
  auto env = child_environment(environ_in.data(), "j", "/s", {"123:abcdef"});
  CHECK_FALSE(has_key(env, "TELEGRAM_BOT_TOKEN"));
  CHECK_FALSE(has_key(env, "MY_BOT"));
  CHECK(contains(env, "PATH=/bin"));
  CHECK(contains(env, "TOKENISH=harmless"));
}

TEST_CASE("child environment from a null environ holds only the OPS_ variables", "[process]") {
  auto env = child_environment(nullptr, "j", "/s");
  CHECK(env == std::vector<std::string>{"OPS_JOB_ID=j", "OPS_STATE_DIR=/s"});
  CHECK(opsd::env_value(env, "OPS_JOB_ID") == "j");
  CHECK(opsd::env_value(env, "OPS_JOB").empty());
}

TEST_CASE("a command with a slash is resolved against the job's cwd", "[process]") {
  TempDir dir;
  std::filesystem::create_directory(dir.path + "/bin");
  write_file(dir.path + "/bin/run.sh", 0755);
  auto rel = resolve_executable("bin/run.sh", dir.path, "/nonexistent");
  REQUIRE(rel);
  CHECK(*rel == dir.path + "/bin/run.sh");
  auto abs = resolve_executable(dir.path + "/bin/run.sh", "/", "");
  REQUIRE(abs);
  CHECK(*abs == dir.path + "/bin/run.sh");
}

TEST_CASE("a command without a slash is searched in PATH in order", "[process]") {
  TempDir dir;
  for (const char* sub : {"/a", "/b", "/c"}) std::filesystem::create_directory(dir.path + sub);
  write_file(dir.path + "/a/tool", 0644);                   // not executable: skipped
  std::filesystem::create_directory(dir.path + "/b/tool");  // a directory: skipped
  write_file(dir.path + "/c/tool", 0755);
  auto found =
      resolve_executable("tool", "/", dir.path + "/a:" + dir.path + "/b:" + dir.path + "/c");
  REQUIRE(found);
  CHECK(*found == dir.path + "/c/tool");
  auto sh = resolve_executable("sh", "/", "/usr/bin:/bin");
  REQUIRE(sh);
  CHECK(sh->ends_with("/sh"));
}

TEST_CASE("an unresolvable command is an error naming it", "[process]") {
  TempDir dir;
  write_file(dir.path + "/plain.txt", 0644);
  auto missing = resolve_executable("no-such-tool-opsd", dir.path, "/usr/bin:/bin");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "cannot execute `no-such-tool-opsd`: not found in PATH");
  auto not_exec = resolve_executable("./plain.txt", dir.path, "");
  REQUIRE_FALSE(not_exec);
  CHECK(not_exec.error().message.find("`./plain.txt`: not executable") != std::string::npos);
  auto gone = resolve_executable("./gone", dir.path, "");
  REQUIRE_FALSE(gone);
  CHECK(gone.error().message.find("`./gone`: no such file") != std::string::npos);
  CHECK_FALSE(resolve_executable("", dir.path, "/bin"));
}
