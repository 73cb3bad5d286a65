// The one error vocabulary shared by opsd and opsctl. Codes are stable: scripts match on them.
// JSON-RPC reserves -32768..-32000; ours are application codes 1000+.
#pragma once

#include <string>
#include <string_view>

namespace opsd {

enum class Fault : int {
  // JSON-RPC 2.0 standard codes.
  parse_error = -32700,      // malformed JSON
  invalid_request = -32600,  // not a JSON-RPC 2.0 request object, or frame over 1 MiB
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
  // opsd application codes.
  unknown_job = 1001,
  wrong_kind = 1002,  // the command does not apply to this job's kind
  already_running = 1003,
  not_running = 1004,
  refused_by_policy = 1005,  // e.g. risk needs --allow-risk, job disabled
  approval_required = 1006,
  shutting_down = 1007,
  config_error = 1008,       // reload refused: the new config is invalid
  permission_denied = 1009,  // caller uid is not the daemon's uid or root
  timeout = 1010,
};

inline std::string_view fault_name(Fault f) {
  switch (f) {
    case Fault::parse_error:
      return "parse_error";
    case Fault::invalid_request:
      return "invalid_request";
    case Fault::method_not_found:
      return "method_not_found";
    case Fault::invalid_params:
      return "invalid_params";
    case Fault::internal_error:
      return "internal_error";
    case Fault::unknown_job:
      return "unknown_job";
    case Fault::wrong_kind:
      return "wrong_kind";
    case Fault::already_running:
      return "already_running";
    case Fault::not_running:
      return "not_running";
    case Fault::refused_by_policy:
      return "refused_by_policy";
    case Fault::approval_required:
      return "approval_required";
    case Fault::shutting_down:
      return "shutting_down";
    case Fault::config_error:
      return "config_error";
    case Fault::permission_denied:
      return "permission_denied";
    case Fault::timeout:
      return "timeout";
  }
  return "unknown_fault";
}

// An RPC failure: a stable code plus a message for people.
struct RpcError {
  Fault code = Fault::internal_error;
  std::string_view name() const { return fault_name(code); }
  std::string message;
};

}  // namespace opsd
