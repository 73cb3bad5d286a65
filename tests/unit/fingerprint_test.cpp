#include "config/fingerprint.hpp"

#include <catch2/catch.hpp>

using opsd::Job;

namespace {

Job write_job() {
  Job j;
  j.id = "fix-perms";
  j.kind = opsd::JobKind::one_shot_write;
  j.risk = opsd::Risk::write_local;
  j.cwd = "/srv";
  j.commands.run = {"/bin/chmod", "600", "/etc/x"};
  j.commands.verify = {"/bin/stat", "/etc/x"};
  return j;
}

}  // namespace

TEST_CASE("the fingerprint is the SHA-256 of the job's canonical definition", "[fingerprint]") {
  const Job j = write_job();
  CHECK(opsd::job_fingerprint_text(j) ==
        R"({"commands":{"run":["/bin/chmod","600","/etc/x"],"verify":["/bin/stat","/etc/x"]},)"
        R"("cwd":"/srv","kind":"one_shot_write","risk":"write_local"})");
  // sha256 of the text above (python3 hashlib), so approvals stored by earlier builds stay valid.
  CHECK(opsd::job_fingerprint(j) ==
        "176949760e0f8d04348b0100e54fa27cf9d40713e8f9c94e6a5d7fd8d017743d");
}

TEST_CASE("the fingerprint changes with kind, risk, cwd and commands only", "[fingerprint]") {
  const std::string base = opsd::job_fingerprint(write_job());
  Job other = write_job();
  other.name = "Fix permissions";
  other.enabled = true;
  other.policy.poll_seconds = 5;
  other.approval.granted = true;
  CHECK(opsd::job_fingerprint(other) == base);

  Job kind = write_job();
  kind.kind = opsd::JobKind::one_shot_read;
  Job risk = write_job();
  risk.risk = opsd::Risk::write_external;
  Job cwd = write_job();
  cwd.cwd = "/srv/other";
  Job run = write_job();
  run.commands.run.back() = "/etc/y";
  Job verify = write_job();
  verify.commands.verify.clear();
  for (const Job& changed : {kind, risk, cwd, run, verify})
    CHECK(opsd::job_fingerprint(changed) != base);
}
