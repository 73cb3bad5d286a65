#include "state/last_good_config.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fixtures/fault_injecting_file_system.hpp"

namespace fs = std::filesystem;
using opsd::FaultInjectingFileSystem;
using opsd::FsOp;
using opsd::LastGoodConfig;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "opsd-lastgood-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const std::string kGood = R"({"version": 1, "jobs": []})";

}  // namespace

TEST_CASE("no copy yet is no error, and a saved copy reads back byte for byte",
          "[last_good_config]") {
  TempDir d;
  FaultInjectingFileSystem faulty(opsd::real_file_system());
  LastGoodConfig copy(faulty, d.path + "/last-good-config.json");
  auto none = copy.load();
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  REQUIRE(copy.save(kGood));
  CHECK(read(copy.path()) == kGood);
  struct stat st {};
  REQUIRE(::stat(copy.path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  LastGoodConfig again(faulty, copy.path());  // the next opsd
  auto text = again.load();
  REQUIRE(text);
  REQUIRE(text->has_value());
  CHECK(**text == kGood);
}

TEST_CASE("the same config is not written again; a new one is", "[last_good_config]") {
  TempDir d;
  FaultInjectingFileSystem faulty(opsd::real_file_system());
  LastGoodConfig copy(faulty, d.path + "/last-good-config.json");
  REQUIRE(copy.save(kGood));
  const int renames = faulty.calls(FsOp::rename);
  REQUIRE(copy.save(kGood));
  CHECK(faulty.calls(FsOp::rename) == renames);
  REQUIRE(copy.save(kGood + "\n"));
  CHECK(faulty.calls(FsOp::rename) == renames + 1);
  CHECK(read(copy.path()) == kGood + "\n");
}

TEST_CASE("a failed write keeps the old copy whole and is retried with the next save",
          "[last_good_config]") {
  TempDir d;
  FaultInjectingFileSystem faulty(opsd::real_file_system());
  LastGoodConfig copy(faulty, d.path + "/last-good-config.json");
  REQUIRE(copy.save(kGood));
  for (FsOp op : {FsOp::open, FsOp::write, FsOp::fsync, FsOp::rename}) {
    faulty.fail(op, ENOSPC, 1);
    opsd::Status st = copy.save(R"({"version": 1, "jobs": [{"id": "new"}]})");
    CHECK_FALSE(st);
    CHECK(st.message().find(copy.path()) != std::string::npos);
    CHECK(read(copy.path()) == kGood);
    faulty.clear();
    // The object does not take the failed text for the file's.
    REQUIRE(copy.save(kGood));
    CHECK(read(copy.path()) == kGood);
  }
  CHECK(std::distance(fs::directory_iterator(d.path), fs::directory_iterator()) == 1);
}

TEST_CASE("a copy that cannot be read is an error naming it", "[last_good_config]") {
  TempDir d;
  FaultInjectingFileSystem faulty(opsd::real_file_system());
  LastGoodConfig copy(faulty, d.path + "/last-good-config.json");
  REQUIRE(copy.save(kGood));
  faulty.fail(FsOp::read, EACCES);
  auto text = copy.load();
  REQUIRE_FALSE(text);
  CHECK(text.error().message.find(copy.path()) != std::string::npos);
  CHECK(text.error().message.find("Permission denied") != std::string::npos);
}
