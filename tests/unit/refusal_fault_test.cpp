#include "service/refusal_fault.hpp"

#include <catch2/catch.hpp>

using opsd::Fault;
using opsd::Refusal;

TEST_CASE("refusals keep the JSON-RPC codes clients already match on", "[refusal]") {
  CHECK(static_cast<int>(opsd::to_fault(Refusal::unknown_job)) == 1001);
  CHECK(static_cast<int>(opsd::to_fault(Refusal::wrong_kind)) == 1002);
  CHECK(static_cast<int>(opsd::to_fault(Refusal::already_running)) == 1003);
  CHECK(static_cast<int>(opsd::to_fault(Refusal::not_running)) == 1004);
  CHECK(static_cast<int>(opsd::to_fault(Refusal::refused_by_policy)) == 1005);
  CHECK(static_cast<int>(opsd::to_fault(Refusal::approval_required)) == 1006);
  CHECK(static_cast<int>(opsd::to_fault(Refusal::bad_params)) == -32602);
}

TEST_CASE("a refusal becomes an RPC error with its message and fault name", "[refusal]") {
  const opsd::RpcError e = opsd::to_rpc_error(opsd::unknown_job("nightly"));
  CHECK(e.code == Fault::unknown_job);
  CHECK(e.name() == "unknown_job");
  CHECK(e.message == "unknown job 'nightly'");
}
