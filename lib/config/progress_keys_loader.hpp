// Reading `policy.progressKeys` (docs/config.md) into ProgressKeys. Internal to lib/config.
#pragma once

#include <string_view>

#include <boost/json/fwd.hpp>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace opsd::config_detail {

// The block at `v`: {"done": "<key>", "total": "<key>"} or {"percent": "<key>"}; {} = the usual
// names. nullptr or null: `base`. Anything else is an error at `path` (or below it) and gives
// `base`; unknown keys inside are warnings.
ProgressKeys read_progress_keys(const boost::json::value* v, const ProgressKeys& base,
                                std::string_view path, Diagnostics& d);

}  // namespace opsd::config_detail
