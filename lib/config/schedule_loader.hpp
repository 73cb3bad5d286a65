// Reading a job's `schedule` (ops-jobs.json): {"every": "15m"} or {"cron": "0 3 * * *",
// "timezone": "Europe/Berlin"}, plus "jitterSeconds" and "catchUp". Internal to lib/config.
#pragma once

#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace opsd::config_detail {

// `v` is the job's "schedule" member (nullptr or null: none); `path` is "jobs[2].schedule";
// `job` has its kind, risk and enabled read already. Every problem is an error naming the
// field (and, for cron, the field of the expression); unknown keys are warnings.
std::optional<Schedule> read_schedule(const boost::json::value* v, const std::string& path,
                                      const Job& job, bool kind_known, Diagnostics& d);

}  // namespace opsd::config_detail
