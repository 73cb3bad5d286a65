#include "metrics/textfile_writer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixtures/fake_bot_api.hpp"

using namespace opsd;
using opsd::testing::run_until;

namespace {

struct Dir {
  Dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "opsd-textfile-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~Dir() { std::filesystem::remove_all(path); }
  std::string path;
};

std::string read(const std::string& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("textfile: changes are written once, atomically, readable by others", "[metrics]") {
  Dir d;
  const std::string file = d.path + "/opsd.prom";
  boost::asio::io_context io;
  int renders = 0;
  TextfileWriter w(
      io.get_executor(), real_file_system(), [&] { return file; },
      [&] { return "opsd_x " + std::to_string(++renders) + "\n"; }, std::chrono::milliseconds(10));
  w.changed();
  w.changed();
  w.changed();
  REQUIRE(run_until(io, [&] { return std::filesystem::exists(file); }));
  CHECK(read(file) == "opsd_x 1\n");
  CHECK(renders == 1);
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  // no temp files left beside it
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(d.path)) ++entries;
  CHECK(entries == 1);
  w.changed();
  REQUIRE(run_until(io, [&] { return read(file) == "opsd_x 2\n"; }));
}

TEST_CASE("textfile: rewritten periodically without changes", "[metrics]") {
  Dir d;
  const std::string file = d.path + "/opsd.prom";
  boost::asio::io_context io;
  int renders = 0;
  TextfileWriter w(
      io.get_executor(), real_file_system(), [&] { return file; },
      [&] { return "n " + std::to_string(++renders) + "\n"; }, std::chrono::milliseconds(10),
      std::chrono::milliseconds(20));
  REQUIRE(w.write_now());
  REQUIRE(run_until(io, [&] { return renders >= 3; }));
  CHECK(read(file).starts_with("n "));
}

TEST_CASE("textfile: an unwritable path is an error, and no path writes nothing", "[metrics]") {
  Dir d;
  boost::asio::io_context io;
  std::string path = d.path + "/missing-dir/opsd.prom";
  TextfileWriter w(
      io.get_executor(), real_file_system(), [&] { return path; },
      [] { return std::string("x 1\n"); });
  Status st = w.write_now();
  CHECK_FALSE(st);
  path.clear();
  CHECK(w.write_now());
}
