// Why the engine turned a request down. The engine knows nothing of JSON-RPC: service/ maps
// each reason to the stable fault code clients see (docs/control-protocol.md).
#pragma once

#include <string>
#include <string_view>

namespace opsd {

enum class Refusal {
  unknown_job,        // no job of that id in the config
  wrong_kind,         // the request does not apply to the job's kind
  already_running,    // the job (or a tick) is already running
  not_running,        // stop of a job that is not running
  refused_by_policy,  // risk, the queue's rules, a full queue, no way to stop
  approval_required,  // a write job without a valid approval
  bad_params,         // a parameter out of range (e.g. an approval's ttl)
};

// A refusal and the sentence the caller is shown (English: the language of opsctl).
struct Refused {
  Refusal code = Refusal::bad_params;
  std::string message;
};

// The one wording of an unknown job, for every request that names one.
inline Refused unknown_job(std::string_view job_id) {
  return {Refusal::unknown_job, "unknown job '" + std::string(job_id) + "'"};
}

}  // namespace opsd
