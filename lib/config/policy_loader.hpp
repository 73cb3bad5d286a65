// Reading a `defaults` or `jobs[].policy` block into a Policy (docs/config.md). Internal to
// lib/config.
#pragma once

#include <string_view>

#include <boost/json/fwd.hpp>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace opsd::config_detail {

// The original tool read the two blocks differently; both readings are kept:
// - defaults: `x or default` (0, "", null, false => default); numeric strings accepted;
//   invalid quietHours => no quiet hours.
// - job: a non-integer or negative value is ignored (the merged default applies);
//   quietHours is taken only when both start and end are valid "HH:MM".
// In both, zero or negative intervals warn and use the default. opsd's own keys
// (pollSeconds, statusTimeoutSeconds, stopTimeoutSeconds, maxAutoResumes) must be
// positive integers or it is an error.
enum class PolicyLevel { defaults, job };

// `base` overridden field by field by the block at `v` (nullptr or null: `base` unchanged).
Policy read_policy(const boost::json::value* v, const Policy& base, std::string_view path,
                   PolicyLevel level, Diagnostics& d);

// policy.onStall "restart" where it cannot apply is an error at its JSON path: a
// long_running_read job needs risk read_only and autoResume (also when inherited from
// `defaults`); any other kind of job may not set it in its own policy (an inherited one is
// simply unused there). `job_policy` is the job's `policy` value (nullptr: none).
void check_on_stall(const Job& job, const boost::json::value* job_policy, std::string_view job_path,
                    Diagnostics& d);

}  // namespace opsd::config_detail
