#include "engine/approval.hpp"

#include <catch2/catch.hpp>

#include "engine_fixture.hpp"

using namespace opsd;
using namespace opsd::testing;

namespace {
const TimeMs kHour = seconds(3600);
}

TEST_CASE("only write jobs take approvals, with a positive ttl", "[engine]") {
  State st;
  CHECK_FALSE(approve(st, read_job("r"), "fp", kHour, 1000, "", kT0).ok());
  CHECK_FALSE(approve(st, write_job("w", "v"), "fp", 0, 1000, "", kT0).ok());
  CHECK_FALSE(approve(st, write_job("w", "v"), "", kHour, 1000, "", kT0).ok());
  CHECK(st.approvals.empty());
}

TEST_CASE("a write job without an approval is not approved", "[engine]") {
  State st;
  const auto c = check_approval(st, write_job("w", "v"), "fp", kT0);
  CHECK_FALSE(c.ok());
  CHECK(c.reason == "no approval");
}

TEST_CASE("a one-time approval is valid once, then consumed", "[engine]") {
  State st;
  const Job w = write_job("w", "v");
  auto rec = approve(st, w, "fp1", kHour, 1000, "ticket 7", kT0);
  REQUIRE(rec.ok());
  CHECK(rec->expires_at == kT0 + kHour);
  CHECK(rec->uid == 1000);
  auto c = check_approval(st, w, "fp1", kT0 + 1);
  REQUIRE(c.ok());
  CHECK(c.basis == ApprovalBasis::one_time);
  consume_approval(st, c);
  c = check_approval(st, w, "fp1", kT0 + 2);
  CHECK_FALSE(c.ok());
  CHECK(c.reason == "the last approval was already used");
}

TEST_CASE("an expired approval is refused", "[engine]") {
  State st;
  const Job w = write_job("w", "v");
  REQUIRE(approve(st, w, "fp1", kHour, 1000, "", kT0).ok());
  CHECK(check_approval(st, w, "fp1", kT0 + kHour - 1).ok());
  const auto c = check_approval(st, w, "fp1", kT0 + kHour);
  CHECK_FALSE(c.ok());
  CHECK(c.reason == "the approval expired");
}

TEST_CASE("an approval is void once the job's fingerprint changes", "[engine]") {
  State st;
  const Job w = write_job("w", "v");
  REQUIRE(approve(st, w, "fp1", kHour, 1000, "", kT0).ok());
  const auto c = check_approval(st, w, "fp2", kT0 + 1);
  CHECK_FALSE(c.ok());
  CHECK(c.reason.find("changed") != std::string::npos);
}

TEST_CASE("a new approval replaces an unconsumed earlier one", "[engine]") {
  State st;
  const Job w = write_job("w", "v");
  REQUIRE(approve(st, w, "fp1", kHour, 1000, "", kT0).ok());
  REQUIRE(approve(st, w, "fp1", kHour, 1000, "", kT0 + 5).ok());
  REQUIRE(st.approvals.size() == 2);
  CHECK(st.approvals[0].consumed);
  auto c = check_approval(st, w, "fp1", kT0 + 6);
  REQUIRE(c.ok());
  CHECK(c.record_index == 1);
}

TEST_CASE("a standing approval and approval.required=false for write_local", "[engine]") {
  State st;
  Job w = write_job("w", "v");
  w.approval.granted = true;
  CHECK(check_approval(st, w, "fp", kT0).basis == ApprovalBasis::standing);
  w.approval.granted = false;
  w.approval.required = false;
  CHECK_FALSE(check_approval(st, w, "fp", kT0).ok());  // write_external: ignored
  w.risk = Risk::write_local;
  CHECK(check_approval(st, w, "fp", kT0).basis == ApprovalBasis::not_required);
}

TEST_CASE("spent approvals are pruned, usable ones kept", "[engine]") {
  State st;
  const Job w = write_job("w", "v");
  for (std::size_t i = 0; i < kKeepSpentApprovals + 20; ++i)
    REQUIRE(approve(st, w, "fp", kHour, 1000, "", kT0 + static_cast<TimeMs>(i)).ok());
  CHECK(st.approvals.size() == kKeepSpentApprovals + 1);
  CHECK(check_approval(st, w, "fp", kT0 + 100).ok());
}

TEST_CASE("audit_event fills the fields every audit entry has", "[engine]") {
  const AuditEvent e = audit_event("refuse", "w", "abc123", 1000, std::nullopt, "no approval", kT0);
  CHECK(e.at == kT0);
  CHECK(e.event == "refuse");
  CHECK(e.job_id == "w");
  CHECK(e.fingerprint == "abc123");
  CHECK(e.uid == 1000);
  CHECK_FALSE(e.exit_code.has_value());
  CHECK(e.note == "no approval");
  CHECK_FALSE(e.duration_ms.has_value());
  CHECK(e.output_tail.empty());
  CHECK(audit_event("write_exit", "w", "", -1, 3, "", kT0).exit_code == 3);
}

TEST_CASE("an approval voided by a changed definition stays void when it changes back",
          "[engine]") {
  State st;
  const Job w = write_job("w", "v");
  REQUIRE(approve(st, w, "fp-a", kHour, 1000, "", kT0).ok());
  auto c = check_approval(st, w, "fp-b", kT0 + 1);  // the script was edited
  CHECK_FALSE(c.ok());
  CHECK(c.voids_record);
  CHECK(void_approval(st, c));
  c = check_approval(st, w, "fp-a", kT0 + 2);  // and edited back
  CHECK_FALSE(c.ok());
  CHECK(c.reason == kVoidReason);
}

TEST_CASE("a reload that changes the definition voids its unused approvals for good", "[engine]") {
  State st;
  const Job w = write_job("w", "v");
  REQUIRE(approve(st, w, "fp-a", kHour, 1000, "", kT0).ok());
  CHECK_FALSE(void_changed_approvals(st, w, "fp-a"));  // unchanged: kept
  CHECK(check_approval(st, w, "fp-a", kT0 + 1).ok());
  CHECK(void_changed_approvals(st, w, "fp-b"));
  CHECK_FALSE(check_approval(st, w, "fp-a", kT0 + 2).ok());
  CHECK(st.approvals.back().voided);
}
