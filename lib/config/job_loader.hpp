// Reading one entry of `jobs` (docs/config.md, docs/write-jobs.md). Cross-job rules (unique ids,
// `after` targets, write verification) are checked by the caller over all drafts. Internal to
// lib/config.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "config/config.hpp"
#include "config/config_loader.hpp"
#include "config/diagnostic.hpp"

namespace opsd::config_detail {

// One `after` entry as written; whether it is kept depends on the other jobs.
struct AfterDraft {
  AfterEntry entry;
  std::string path;         // "jobs[2].after[0]"
  bool has_job_id = false;  // jobId is a non-empty string
  bool when_valid = true;   // when is success|failure|always (a falsy value means success)
};

struct JobDraft {
  Job job;                  // job.after is empty until the caller resolves `after`
  std::string path;         // "jobs[2]"
  bool identified = false;  // id, kind and risk are valid: other jobs may refer to it
  std::vector<AfterDraft> after;
};

// `v` is jobs[index]. Errors and warnings go to `d`; the draft is filled as far as possible.
JobDraft read_job(const boost::json::value& v, std::size_t index, const Policy& defaults,
                  const ConfigContext& ctx, Diagnostics& d);

}  // namespace opsd::config_detail
