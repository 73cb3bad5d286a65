#include "config/fingerprint.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using opsd::Job;
using opsd::job_fingerprint;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "opsd-fp-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

Job write_job(const std::string& cwd) {
  Job j;
  j.id = "fix";
  j.kind = opsd::JobKind::one_shot_write;
  j.risk = opsd::Risk::write_local;
  j.cwd = cwd;
  j.commands.run = {"./fix.sh", "--all"};
  j.commands.verify = {"sh", "check.sh"};
  j.after = {{"verify-perms", opsd::AfterWhen::success, 0}};
  return j;
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("the fingerprint is a SHA-256 hex string, stable for the same definition",
          "[fingerprint]") {
  TempDir d;
  Job j = write_job(d.path);
  CHECK(job_fingerprint(j).size() == 64);
  CHECK(job_fingerprint(j) == job_fingerprint(write_job(d.path)));
}

TEST_CASE("after entries and verification commands are covered", "[fingerprint]") {
  TempDir d;
  const std::string base = job_fingerprint(write_job(d.path));
  Job j = write_job(d.path);
  j.after[0].job_id = "other";
  CHECK(job_fingerprint(j) != base);
  j = write_job(d.path);
  j.after[0].delay_seconds = 60;
  CHECK(job_fingerprint(j) != base);
  j = write_job(d.path);
  j.commands.verify = {"sh", "check2.sh"};
  CHECK(job_fingerprint(j) != base);
  j = write_job(d.path);
  j.name = "another name";
  j.enabled = !j.enabled;
  CHECK(job_fingerprint(j) == base);
}

TEST_CASE("editing a script named in argv inside cwd changes the fingerprint", "[fingerprint]") {
  TempDir d;
  write(d.path + "/fix.sh", "#!/bin/sh\nchmod 600 /srv/x\n");
  write(d.path + "/check.sh", "test -f /srv/x\n");
  const std::string before = job_fingerprint(write_job(d.path));
  CHECK(opsd::job_fingerprint_text(write_job(d.path)).find("fix.sh\":\"sha256:") !=
        std::string::npos);
  write(d.path + "/fix.sh", "#!/bin/sh\nrm -rf /srv\n");
  const std::string edited = job_fingerprint(write_job(d.path));
  CHECK(edited != before);
  write(d.path + "/check.sh", "true\n");
  CHECK(job_fingerprint(write_job(d.path)) != edited);
}

TEST_CASE("files outside cwd are not read", "[fingerprint]") {
  TempDir d;
  fs::create_directory(d.path + "/cwd");
  write(d.path + "/outside.sh", "a\n");
  Job j = write_job(d.path + "/cwd");
  j.commands.run = {"sh", "../outside.sh"};
  CHECK(opsd::job_fingerprint_text(j).find("outside.sh\":") == std::string::npos);
  j.commands.run = {"sh", d.path + "/outside.sh"};
  CHECK(opsd::job_fingerprint_text(j).find("outside.sh\":") == std::string::npos);
}
