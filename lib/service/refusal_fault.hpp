// How the engine's refusals reach clients: each Refusal has one stable fault code
// (docs/control-protocol.md), the codes opsctl maps to messages and exit codes.
#pragma once

#include "engine/refusal.hpp"
#include "rpc/fault.hpp"

namespace opsd {

Fault to_fault(Refusal r);

// The RPC error a client receives for `r`: its fault code and its message unchanged.
RpcError to_rpc_error(const Refused& r);

}  // namespace opsd
