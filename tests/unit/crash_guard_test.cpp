#include "service/crash_guard.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace opsd;

namespace {

constexpr TimeMs kT0 = 1'700'000'000'000;
constexpr TimeMs kMinute = seconds(60);

struct TempDir {
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "opsd-guard-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("a start after a clean stop is not counted as unclean", "[crash_guard]") {
  StartDecision d = decide_start(RunRecord{false, {}}, kT0, {});
  CHECK_FALSE(d.unclean);
  CHECK(d.recent_unclean == 0);
  CHECK_FALSE(d.tripped);
  CHECK(d.record.running);
}

TEST_CASE("a start that finds the previous run still marked running counts as unclean",
          "[crash_guard]") {
  StartDecision d = decide_start(RunRecord{true, {}}, kT0, {});
  CHECK(d.unclean);
  CHECK(d.recent_unclean == 1);
  CHECK(d.record.unclean_starts == std::vector<TimeMs>{kT0});
  CHECK_FALSE(d.tripped);
}

TEST_CASE("the guard trips on the fifth unclean start within ten minutes", "[crash_guard]") {
  RunRecord r{true, {kT0, kT0 + kMinute, kT0 + 2 * kMinute}};
  StartDecision fourth = decide_start(r, kT0 + 3 * kMinute, {});
  CHECK(fourth.recent_unclean == 4);
  CHECK_FALSE(fourth.tripped);
  StartDecision fifth = decide_start(fourth.record, kT0 + 4 * kMinute, {});
  CHECK(fifth.recent_unclean == 5);
  CHECK(fifth.tripped);
}

TEST_CASE("unclean starts older than the window are forgotten", "[crash_guard]") {
  RunRecord r{true, {kT0, kT0 + kMinute, kT0 + 2 * kMinute, kT0 + 3 * kMinute}};
  // Ten minutes and a second after kT0 + kMinute: only kT0 + 2 and + 3 minutes remain.
  StartDecision d = decide_start(r, kT0 + 11 * kMinute + kSecond, {});
  CHECK(d.record.unclean_starts ==
        std::vector<TimeMs>{kT0 + 2 * kMinute, kT0 + 3 * kMinute, kT0 + 11 * kMinute + kSecond});
  CHECK_FALSE(d.tripped);
}

TEST_CASE("unclean starts in the future after a clock jump back are dropped", "[crash_guard]") {
  RunRecord r{true, {kT0 + 60 * kMinute, kT0 + 61 * kMinute}};
  StartDecision d = decide_start(r, kT0, {});
  CHECK(d.record.unclean_starts == std::vector<TimeMs>{kT0});
}

TEST_CASE("a policy limit of zero never trips", "[crash_guard]") {
  CrashGuardPolicy off{0, seconds(600)};
  StartDecision d =
      decide_start(RunRecord{true, {kT0, kT0 + 1, kT0 + 2, kT0 + 3, kT0 + 4}}, kT0 + 5, off);
  CHECK(d.recent_unclean == 6);
  CHECK_FALSE(d.tripped);
}

TEST_CASE("run records survive encoding and reject other JSON", "[crash_guard]") {
  RunRecord r{true, {kT0, kT0 + 5}};
  Result<RunRecord> back = decode_run_record(encode_run_record(r));
  REQUIRE(back);
  CHECK(back->running);
  CHECK(back->unclean_starts == r.unclean_starts);
  CHECK_FALSE(decode_run_record("[]"));
  CHECK_FALSE(decode_run_record("{\"running\": \"yes\"}"));
  CHECK_FALSE(decode_run_record("{\"uncleanStarts\": [\"x\"]}"));
  CHECK_FALSE(decode_run_record("not json"));
}

TEST_CASE("the file-backed guard counts kills and a clean stop resets the count", "[crash_guard]") {
  TempDir dir;
  std::string path = dir.path + "/opsd-run.json";
  CrashGuard guard(real_file_system(), path, CrashGuardPolicy{3, seconds(600)});

  StartDecision first = guard.record_start(kT0);
  CHECK_FALSE(first.unclean);
  CHECK(first.save_error.empty());
  CHECK(slurp(path).find("\"running\":true") != std::string::npos);

  // Two more starts without a clean stop in between (the daemon was killed each time).
  CHECK(guard.record_start(kT0 + kSecond).recent_unclean == 1);
  StartDecision third = guard.record_start(kT0 + 2 * kSecond);
  CHECK(third.recent_unclean == 2);
  CHECK_FALSE(third.tripped);
  CHECK(guard.record_start(kT0 + 3 * kSecond).tripped);

  REQUIRE(guard.record_clean_stop());
  StartDecision after_clean = guard.record_start(kT0 + 4 * kSecond);
  CHECK_FALSE(after_clean.unclean);
  CHECK(after_clean.recent_unclean == 0);
}

TEST_CASE("an unreadable run record counts as a clean first start", "[crash_guard]") {
  TempDir dir;
  std::string path = dir.path + "/opsd-run.json";
  std::ofstream(path) << "{garbage";
  CrashGuard guard(real_file_system(), path);
  StartDecision d = guard.record_start(kT0);
  CHECK_FALSE(d.unclean);
  CHECK(decode_run_record(slurp(path)));  // replaced by a good record
}

TEST_CASE("a run record that cannot be written is reported, the decision stands", "[crash_guard]") {
  TempDir dir;
  CrashGuard guard(real_file_system(), dir.path + "/missing-dir/opsd-run.json");
  StartDecision d = guard.record_start(kT0);
  CHECK_FALSE(d.save_error.empty());
  CHECK(d.record.running);
}
