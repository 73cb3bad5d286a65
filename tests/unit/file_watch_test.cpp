#include "service/file_watch.hpp"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "opsd-watch-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Runs `io` until `touches` passed `n`; at most 20 s.
bool run_until(boost::asio::io_context& io, const int& touches, int n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (touches < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  return true;
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("a write in place, a rename into place and a delete are each seen", "[file_watch]") {
  TempDir d;
  const std::string path = d.path + "/ops-jobs.json";
  write(path, "{}");
  boost::asio::io_context io;
  // A poll slower than the test: what is seen here comes from inotify where there is one.
  auto watch = opsd::make_file_watch(io.get_executor(), path, std::chrono::seconds(1));
  int touches = 0;
  watch->start([&] { ++touches; });
  CHECK_FALSE(watch->describe().empty());
  write(path, R"({"version": 1})");
  REQUIRE(run_until(io, touches, 1));
  int seen = touches;
  write(d.path + "/ops-jobs.json.tmp", R"({"version": 1, "jobs": []})");
  fs::rename(d.path + "/ops-jobs.json.tmp", path);
  REQUIRE(run_until(io, touches, seen + 1));
  seen = touches;
  fs::remove(path);
  REQUIRE(run_until(io, touches, seen + 1));
}

TEST_CASE("a change behind a symlink is found by the stat poll", "[file_watch]") {
  TempDir d;
  fs::create_directory(d.path + "/elsewhere");
  const std::string target = d.path + "/elsewhere/ops-jobs.json";
  write(target, "{}");
  fs::create_directory(d.path + "/config");
  const std::string link = d.path + "/config/ops-jobs.json";
  fs::create_symlink(target, link);
  boost::asio::io_context io;
  auto watch = opsd::make_file_watch(io.get_executor(), link, std::chrono::milliseconds(50));
  int touches = 0;
  watch->start([&] { ++touches; });
  write(target, R"({"version": 1, "jobs": []})");  // a different size
  REQUIRE(run_until(io, touches, 1));
}

TEST_CASE("a destroyed watch calls nobody", "[file_watch]") {
  TempDir d;
  const std::string path = d.path + "/ops-jobs.json";
  boost::asio::io_context io;
  int touches = 0;
  {
    auto watch = opsd::make_file_watch(io.get_executor(), path, std::chrono::milliseconds(10));
    watch->start([&] { ++touches; });
    io.run_for(std::chrono::milliseconds(30));
  }
  write(path, "{}");
  io.restart();
  io.run_for(std::chrono::milliseconds(100));
  CHECK(touches == 0);
}
