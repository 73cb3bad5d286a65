#include "config/job_id.hpp"

#include <catch2/catch.hpp>
#include <string>

using opsd::job_file_stem;
using opsd::job_id_error;
using opsd::job_id_is_plain;

TEST_CASE("ids of the safe set are plain and name their own files", "[job_id]") {
  for (const char* id : {"scan-photos", "a.b_c", "X9", "job.2024"}) {
    CHECK_FALSE(job_id_error(id));
    CHECK(job_id_is_plain(id));
    CHECK(job_file_stem(id) == id);
  }
}

TEST_CASE("ids that would leave the logs directory are mapped to one safe name", "[job_id]") {
  CHECK_FALSE(job_id_error("../../../../escape"));
  CHECK_FALSE(job_id_is_plain("../../../../escape"));
  CHECK(job_file_stem("../../../../escape") == "%2E.%2F..%2F..%2F..%2Fescape");
  CHECK(job_file_stem("a/b") == "a%2Fb");
  CHECK(job_file_stem("..") == "%2E.");
  CHECK(job_file_stem(".hidden") == "%2Ehidden");
  CHECK(job_file_stem("100%") == "100%25");
  CHECK(job_file_stem("扫描") == "%E6%89%AB%E6%8F%8F");
  for (const char* id : {"../../x", "a/b", "..", ".", "a b", "%2F"})
    CHECK(job_file_stem(id).find('/') == std::string::npos);
}

TEST_CASE("the mapping keeps different ids apart", "[job_id]") {
  CHECK(job_file_stem("a/b") != job_file_stem("a%2Fb"));
  CHECK(job_file_stem(".x") != job_file_stem("%2Ex"));
}

TEST_CASE("control characters and overlong ids are errors naming the rule", "[job_id]") {
  REQUIRE(job_id_error("a\nb"));
  CHECK(job_id_error("a\nb")->find("control character") != std::string::npos);
  CHECK(job_id_error("tab\there"));
  std::string longest(opsd::kMaxJobIdBytes, 'x');
  CHECK_FALSE(job_id_error(longest));
  REQUIRE(job_id_error(longest + "x"));
  CHECK(job_id_error(longest + "x")->find("at most 64 bytes") != std::string::npos);
  CHECK(job_id_error(std::string(10240, 'a')));
  CHECK(job_id_error(""));
}

TEST_CASE("the longest mapped id still fits a file name with its rotation suffix", "[job_id]") {
  std::string worst(opsd::kMaxJobIdBytes, '/');
  CHECK(job_file_stem(worst).size() + std::string(".log.10").size() <= 255);
}
