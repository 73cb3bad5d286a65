#include "state/secure_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using opsd::DirCheck;
using opsd::secure_dir;
using opsd::secure_file;

namespace {

constexpr uid_t kNobody = 65534;

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "opsd-secure-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

mode_t mode_of(const std::string& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

const std::int64_t kMe = static_cast<std::int64_t>(::geteuid());

}  // namespace

TEST_CASE("a private directory of opsd's uid is used as it is", "[secure_dir]") {
  TempDir d;
  ::chmod(d.path.c_str(), 0700);
  DirCheck check;
  CHECK(secure_dir(d.path, kMe, check).ok());
  CHECK(check.repaired.empty());
  CHECK(mode_of(d.path) == 0700);
}

TEST_CASE("a world-writable directory of opsd's uid is repaired and says so", "[secure_dir]") {
  TempDir d;
  ::chmod(d.path.c_str(), 0777);
  DirCheck check;
  CHECK(secure_dir(d.path, kMe, check).ok());
  CHECK(mode_of(d.path) == 0755);
  REQUIRE(check.repaired.size() == 1);
  CHECK(check.repaired[0].find("mode 0777") != std::string::npos);
  CHECK(check.repaired[0].find(d.path) != std::string::npos);
}

TEST_CASE("a directory of another user is refused, also through a symlink", "[secure_dir]") {
  if (::geteuid() != 0) return;  // only root can give a directory away
  TempDir d;
  std::string theirs = d.path + "/theirs";
  fs::create_directory(theirs);
  REQUIRE(::chown(theirs.c_str(), kNobody, kNobody) == 0);
  DirCheck check;
  opsd::Status st = secure_dir(theirs, kMe, check);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("owned by uid 65534") != std::string::npos);
  fs::create_directory_symlink(theirs, d.path + "/link");
  st = secure_dir(d.path + "/link", kMe, check);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("through a symlink") != std::string::npos);
  CHECK(mode_of(theirs) != 0);
}

TEST_CASE("a root-owned writable directory is refused for another uid, /tmp is fine",
          "[secure_dir]") {
  DirCheck check;
  CHECK(secure_dir("/tmp", kNobody, check).ok());
  if (::geteuid() != 0) return;
  TempDir d;
  ::chmod(d.path.c_str(), 0777);
  opsd::Status st = secure_dir(d.path, kNobody, check);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("writable by other users") != std::string::npos);
  CHECK(mode_of(d.path) == 0777);
}

TEST_CASE("files: writable by others is repaired, a symlink is refused, missing is fine",
          "[secure_dir]") {
  TempDir d;
  std::string f = d.path + "/ops-monitor.json";
  std::ofstream(f) << "{}";
  ::chmod(f.c_str(), 0666);
  DirCheck check;
  CHECK(secure_file(f, kMe, check).ok());
  CHECK(mode_of(f) == 0644);
  CHECK(check.repaired.size() == 1);
  fs::create_symlink(f, d.path + "/link.json");
  CHECK_FALSE(secure_file(d.path + "/link.json", kMe, check).ok());
  CHECK(secure_file(d.path + "/missing.json", kMe, check).ok());
  CHECK_FALSE(secure_dir(d.path + "/missing", kMe, check).ok());
}
