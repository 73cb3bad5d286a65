#include "schedule/catch_up.hpp"

#include "schedule/jitter.hpp"

namespace opsd {

namespace {

void set_next(DuePlan& p, const Schedule& s, std::string_view job_id, TimeMs after) {
  std::optional<TimeMs> slot = next_slot(s, after);
  p.slot = slot.value_or(0);
  p.due_at = slot ? *slot + jitter_delay(job_id, *slot, s.jitter_seconds) : 0;
}

}  // namespace

DuePlan plan_at_start(const Schedule& s, std::string_view job_id, TimeMs slot, TimeMs due_at,
                      bool same_spec, TimeMs now) {
  DuePlan p;
  if (same_spec && slot > 0 && due_at > now) {
    p.slot = slot;
    p.due_at = due_at;
    return p;
  }
  if (same_spec && slot > 0 && due_at <= now) {
    p.run = s.catch_up == CatchUp::once;
    p.caught_up = p.run;
  }
  set_next(p, s, job_id, now);
  return p;
}

DuePlan plan_when_due(const Schedule& s, std::string_view job_id, TimeMs slot, TimeMs now) {
  DuePlan p;
  p.run = true;
  set_next(p, s, job_id, slot);
  if (p.slot != 0 && p.due_at <= now) set_next(p, s, job_id, now);
  return p;
}

}  // namespace opsd
