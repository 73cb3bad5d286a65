#include "config/config.hpp"

namespace opsd {

std::string_view to_string(JobKind k) {
  switch (k) {
    case JobKind::long_running_read:
      return "long_running_read";
    case JobKind::one_shot_read:
      return "one_shot_read";
    case JobKind::one_shot_write:
      return "one_shot_write";
  }
  return "?";
}

std::string_view to_string(Risk r) {
  switch (r) {
    case Risk::read_only:
      return "read_only";
    case Risk::write_local:
      return "write_local";
    case Risk::write_external:
      return "write_external";
  }
  return "?";
}

std::string_view to_string(AfterWhen w) {
  switch (w) {
    case AfterWhen::success:
      return "success";
    case AfterWhen::failure:
      return "failure";
    case AfterWhen::always:
      return "always";
  }
  return "?";
}

std::optional<JobKind> parse_job_kind(std::string_view s) {
  for (auto k : {JobKind::long_running_read, JobKind::one_shot_read, JobKind::one_shot_write})
    if (to_string(k) == s) return k;
  return std::nullopt;
}

std::optional<Risk> parse_risk(std::string_view s) {
  for (auto r : {Risk::read_only, Risk::write_local, Risk::write_external})
    if (to_string(r) == s) return r;
  return std::nullopt;
}

std::optional<AfterWhen> parse_after_when(std::string_view s) {
  for (auto w : {AfterWhen::success, AfterWhen::failure, AfterWhen::always})
    if (to_string(w) == s) return w;
  return std::nullopt;
}

}  // namespace opsd
