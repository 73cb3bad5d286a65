#include "service/refusal_fault.hpp"

namespace opsd {

Fault to_fault(Refusal r) {
  switch (r) {
    case Refusal::unknown_job:
      return Fault::unknown_job;
    case Refusal::wrong_kind:
      return Fault::wrong_kind;
    case Refusal::already_running:
      return Fault::already_running;
    case Refusal::not_running:
      return Fault::not_running;
    case Refusal::refused_by_policy:
      return Fault::refused_by_policy;
    case Refusal::approval_required:
      return Fault::approval_required;
    case Refusal::bad_params:
      return Fault::invalid_params;
  }
  return Fault::internal_error;
}

RpcError to_rpc_error(const Refused& r) { return RpcError{to_fault(r.code), r.message}; }

}  // namespace opsd
