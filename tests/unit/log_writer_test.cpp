#include "process/log_writer.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

using opsd::LogWriter;
using opsd::tail_lines;

namespace {

struct TempDir {
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "opsd-log-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool exists(const std::string& path) { return std::filesystem::exists(path); }

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("log writer creates the file 0600 and missing directories 0700", "[process]") {
  TempDir dir;
  std::string path = dir.path + "/net/logs/job.log";
  LogWriter log(path);
  log.write("hello\n");
  CHECK(log.last_error().empty());
  CHECK(slurp(path) == "hello\n");
  CHECK(mode_of(path) == 0600);
  CHECK(mode_of(dir.path + "/net/logs") == 0700);
  CHECK(mode_of(dir.path + "/net") == 0700);
}

TEST_CASE("log writer appends to an existing log across instances", "[process]") {
  TempDir dir;
  std::string path = dir.path + "/job.log";
  LogWriter(path).write("one\n");
  LogWriter(path).write("two\n");
  CHECK(slurp(path) == "one\ntwo\n");
}

TEST_CASE("log rotation at the cap keeps at most `keep` files with the newest data", "[process]") {
  TempDir dir;
  std::string path = dir.path + "/job.log";
  LogWriter log(path, 100, 3);
  std::string all;
  for (int i = 0; i < 40; ++i) {
    std::string line = "line " + std::to_string(i) + " ....................\n";  // ~28 bytes
    log.write(line);
    all += line;
  }
  CHECK(log.last_error().empty());
  REQUIRE(exists(path));
  REQUIRE(exists(path + ".1"));
  REQUIRE(exists(path + ".2"));
  CHECK_FALSE(exists(path + ".3"));
  for (const auto& p : {path, path + ".1", path + ".2"}) CHECK(slurp(p).size() <= 100);
  std::string kept = slurp(path + ".2") + slurp(path + ".1") + slurp(path);
  CHECK(all.ends_with(kept));
  CHECK(kept.ends_with("line 39 ....................\n"));
  // Rotation happens between writes, so every kept file holds whole lines.
  CHECK(slurp(path + ".1").ends_with("\n"));
  CHECK(slurp(path).starts_with("line "));
}

TEST_CASE("a single write larger than the cap keeps only its newest part", "[process]") {
  TempDir dir;
  std::string path = dir.path + "/job.log";
  LogWriter log(path, 10, 2);
  log.write("0123456789abcdefghijKLMNOPQRSTuvwxyz");
  // Only keep * cap = 20 bytes can survive: the newest 20, split at the cap.
  CHECK(slurp(path + ".1") == "ghijKLMNOP");
  CHECK(slurp(path) == "QRSTuvwxyz");
  CHECK_FALSE(exists(path + ".2"));
}

TEST_CASE("keep of one truncates the log at the cap", "[process]") {
  TempDir dir;
  std::string path = dir.path + "/job.log";
  LogWriter log(path, 8, 1);
  log.write("aaaaaa\n");
  log.write("bbbbbb\n");
  CHECK(slurp(path) == "bbbbbb\n");
  CHECK_FALSE(exists(path + ".1"));
}

TEST_CASE("two writers sharing a log both respect the cap", "[process]") {
  TempDir dir;
  std::string path = dir.path + "/job.log";
  LogWriter child(path, 50, 3);
  LogWriter stop_command(path, 50, 3);
  for (int i = 0; i < 20; ++i) {
    child.write("child " + std::to_string(i) + "\n");
    stop_command.write("stop " + std::to_string(i) + "\n");
  }
  for (const auto& p : {path, path + ".1", path + ".2"}) {
    REQUIRE(exists(p));
    CHECK(slurp(p).size() <= 50);
  }
  CHECK_FALSE(exists(path + ".3"));
  std::string kept = slurp(path + ".2") + slurp(path + ".1") + slurp(path);
  CHECK(kept.ends_with("child 18\nstop 18\nchild 19\nstop 19\n"));
}

TEST_CASE("tail_lines returns the last n lines of the log", "[process]") {
  TempDir dir;
  std::string path = dir.path + "/job.log";
  LogWriter log(path);
  for (int i = 1; i <= 5; ++i) log.write("l" + std::to_string(i) + "\n");
  auto last2 = tail_lines(path, 2);
  REQUIRE(last2);
  CHECK(*last2 == std::vector<std::string>{"l4", "l5"});
  auto many = tail_lines(path, 100);
  REQUIRE(many);
  CHECK(many->size() == 5);
  CHECK(many->front() == "l1");
  log.write("partial");
  auto with_partial = tail_lines(path, 2);
  REQUIRE(with_partial);
  CHECK(*with_partial == std::vector<std::string>{"l5", "partial"});
  auto none = tail_lines(path, 0);
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE("tail_lines reads across block boundaries and into the rotated file", "[process]") {
  TempDir dir;
  std::string path = dir.path + "/job.log";
  LogWriter log(path, 200 * 1024, 3);
  std::string line(999, 'x');
  for (int i = 0; i < 300; ++i) log.write(std::to_string(i % 10) + line + "\n");  // ~300 KB
  REQUIRE(exists(path + ".1"));
  auto lines = tail_lines(path, 150);
  REQUIRE(lines);
  REQUIRE(lines->size() == 150);
  CHECK(lines->front() == std::to_string(150 % 10) + line);
  CHECK(lines->back() == std::to_string(299 % 10) + line);
}

TEST_CASE("tail_lines of a missing log is an error naming the path", "[process]") {
  TempDir dir;
  auto r = tail_lines(dir.path + "/nope.log", 10);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("nope.log") != std::string::npos);
}
