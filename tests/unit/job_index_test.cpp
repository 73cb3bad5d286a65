#include "config/job_index.hpp"

#include <catch2/catch.hpp>

#include "config/config.hpp"

using opsd::Config;
using opsd::Job;

namespace {

Config with_jobs(int n) {
  Config c;
  for (int i = 0; i < n; ++i) {
    Job j;
    j.id = "job-" + std::to_string(i);
    c.jobs.push_back(j);
  }
  return c;
}

}  // namespace

TEST_CASE("find returns each job by id and nullptr for unknown ids", "[job_index]") {
  Config c = with_jobs(1000);
  for (int i = 0; i < 1000; i += 97) {
    const Job* j = c.find("job-" + std::to_string(i));
    REQUIRE(j != nullptr);
    CHECK(j == &c.jobs[static_cast<std::size_t>(i)]);
  }
  CHECK(c.find("job-1000") == nullptr);
  CHECK(c.find("") == nullptr);
  CHECK(Config{}.find("x") == nullptr);
}

TEST_CASE("the index follows the jobs vector when it grows or shrinks", "[job_index]") {
  Config c = with_jobs(3);
  CHECK(c.find("job-2") != nullptr);
  Job extra;
  extra.id = "extra";
  c.jobs.push_back(extra);
  REQUIRE(c.find("extra") != nullptr);
  CHECK(c.find("extra")->id == "extra");
  c.jobs.erase(c.jobs.begin());
  CHECK(c.find("job-0") == nullptr);
  REQUIRE(c.find("job-1") != nullptr);
  CHECK(c.find("job-1") == &c.jobs[0]);
}

TEST_CASE("a copied config finds its own jobs, not the original's", "[job_index]") {
  Config a = with_jobs(5);
  CHECK(a.find("job-4") != nullptr);
  Config b = a;
  REQUIRE(b.find("job-4") != nullptr);
  CHECK(b.find("job-4") == &b.jobs[4]);
  Config m = std::move(b);
  CHECK(m.find("job-4") == &m.jobs[4]);
}

TEST_CASE("a hit on a slot whose id was edited in place is not returned", "[job_index]") {
  Config c = with_jobs(3);
  CHECK(c.find("job-1") != nullptr);
  c.jobs[1].id = "renamed";
  CHECK(c.find("job-1") == nullptr);
  CHECK(c.find("renamed") == &c.jobs[1]);
}

TEST_CASE("with duplicate ids the first one is found", "[job_index]") {
  Config c = with_jobs(2);
  c.jobs[1].id = "job-0";
  Config d = c;
  CHECK(d.find("job-0") == &d.jobs[0]);
}
