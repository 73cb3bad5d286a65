#include "engine/resume_policy.hpp"

#include <catch2/catch.hpp>

#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {

JobRuntime paused_runtime() {
  JobRuntime rt;
  rt.state = JobState::failed;
  return rt;
}

}  // namespace

TEST_CASE("resume is not applicable to running, completed, user-stopped or one-shot jobs",
          "[engine]") {
  const Job job = long_job("scan", true);
  JobRuntime rt = paused_runtime();
  rt.running = true;
  CHECK(decide_resume(job, rt, kT0).verdict == ResumeVerdict::not_applicable);
  rt.running = false;
  rt.completed = true;
  CHECK(decide_resume(job, rt, kT0).verdict == ResumeVerdict::not_applicable);
  rt.completed = false;
  rt.user_stopped = true;
  CHECK(decide_resume(job, rt, kT0).verdict == ResumeVerdict::not_applicable);
  CHECK(decide_resume(read_job("r"), paused_runtime(), kT0).verdict ==
        ResumeVerdict::not_applicable);
}

TEST_CASE("resume needs autoResume and risk read_only", "[engine]") {
  Job job = long_job("scan", false);
  CHECK(decide_resume(job, paused_runtime(), kT0).verdict == ResumeVerdict::disabled);
  job.policy.auto_resume = true;
  job.risk = Risk::write_local;
  const auto d = decide_resume(job, paused_runtime(), kT0);
  CHECK(d.verdict == ResumeVerdict::blocked);
  CHECK(autorun_note(d, job.policy) == "blocked (risk != read_only)");
}

TEST_CASE("resume waits autoResumeBackoffSeconds after the last attempt", "[engine]") {
  Job job = long_job("scan", true);
  job.policy.auto_resume_backoff_seconds = 900;
  JobRuntime rt = paused_runtime();
  CHECK(decide_resume(job, rt, kT0).verdict == ResumeVerdict::resume);
  record_resume_attempt(rt, kT0, false);
  auto d = decide_resume(job, rt, kT0 + seconds(899));
  CHECK(d.verdict == ResumeVerdict::backoff);
  CHECK(d.retry_at == kT0 + seconds(900));
  CHECK(decide_resume(job, rt, kT0 + seconds(900)).verdict == ResumeVerdict::resume);
}

TEST_CASE("resume gives up after maxAutoResumes within a rolling hour", "[engine]") {
  Job job = long_job("scan", true);
  job.policy.auto_resume_backoff_seconds = 60;
  job.policy.auto_resume_backoff_max_seconds = 60;  // a flat wait
  job.policy.max_auto_resumes = 3;
  JobRuntime rt = paused_runtime();
  TimeMs t = kT0;
  for (int i = 0; i < 3; ++i, t += seconds(60)) {
    REQUIRE(decide_resume(job, rt, t).verdict == ResumeVerdict::resume);
    record_resume_attempt(rt, t, false);
  }
  CHECK(decide_resume(job, rt, t).verdict == ResumeVerdict::give_up);
  // An hour after the first attempt it falls out of the window.
  CHECK(decide_resume(job, rt, kT0 + seconds(3600)).verdict == ResumeVerdict::resume);
}

TEST_CASE("a given_up job is retried after the cooldown with a fresh window", "[engine]") {
  Job job = long_job("scan", true);
  job.policy.max_auto_resumes = 1;
  JobRuntime rt = paused_runtime();
  record_resume_attempt(rt, kT0, false);
  rt.state = JobState::given_up;
  rt.given_up_at = kT0 + seconds(10);
  auto d = decide_resume(job, rt, kT0 + seconds(10) + kGivenUpCooldown - 1);
  CHECK(d.verdict == ResumeVerdict::given_up_wait);
  CHECK(d.retry_at == kT0 + seconds(10) + kGivenUpCooldown);
  d = decide_resume(job, rt, kT0 + seconds(10) + kGivenUpCooldown);
  CHECK(d.verdict == ResumeVerdict::resume);
  CHECK(d.after_cooldown);
  record_resume_attempt(rt, kT0 + seconds(10) + kGivenUpCooldown, true);
  CHECK(rt.auto_resume_times.size() == 1);
  CHECK(rt.auto_resumes_total == 2);
}

TEST_CASE("the autorun note is the same text while the situation is unchanged", "[engine]") {
  Job job = long_job("scan", true);
  JobRuntime rt = paused_runtime();
  record_resume_attempt(rt, kT0, false);
  const auto a = autorun_note(decide_resume(job, rt, kT0 + seconds(10)), job.policy);
  const auto b = autorun_note(decide_resume(job, rt, kT0 + seconds(500)), job.policy);
  CHECK(a == "suppressed (backoff 900s)");
  CHECK(a == b);
  CHECK(autorun_note(decide_resume(job, paused_runtime(), kT0), job.policy) ==
        "resumed (attempt 1/5 within 1h)");
}
