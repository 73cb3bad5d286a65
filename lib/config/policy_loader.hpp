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

}  // namespace opsd::config_detail
