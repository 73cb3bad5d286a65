// Engine: `opsctl mute` / `opsctl unmute` (docs/engine.md "mute"). What a mute holds is decided
// in report_long (engine_long.cpp) with engine/mute.hpp.
#include <algorithm>

#include "engine/engine.hpp"
#include "util/time_format.hpp"

namespace opsd {

namespace {

std::optional<Refused> mutable_job(const Job* job, const std::string& job_id) {
  if (!job) return unknown_job(job_id);
  if (job->kind == JobKind::one_shot_write)
    return Refused{Refusal::wrong_kind,
                   job_id +
                       " is one_shot_write: a write's reports ask for a person and are never "
                       "muted (mute applies to long_running_read and one_shot_read jobs)"};
  return std::nullopt;
}

}  // namespace

Outcome Engine::decide_mute(const std::string& job_id, TimeMs until, const std::string& note,
                            std::int64_t uid, TimeMs now) {
  const Job* job = config_.find(job_id);
  if (auto refused = mutable_job(job, job_id)) return {std::move(refused), "", {}};
  if (until <= now) return {Refused{Refusal::bad_params, "a mute must end in the future"}, "", {}};
  state_.jobs[job_id].mute = MuteRecord{until, note, now, uid};
  audit("mute", *job, uid, std::nullopt, note, now);
  dirty_ = true;
  return {std::nullopt, "muted " + job_id + " until " + iso8601_utc(until), {}};
}

Outcome Engine::decide_unmute(const std::string& job_id, std::int64_t uid, TimeMs now) {
  const Job* job = config_.find(job_id);
  if (auto refused = mutable_job(job, job_id)) return {std::move(refused), "", {}};
  MuteRecord& mute = state_.jobs[job_id].mute;
  const bool was_muted = mute.active(now);
  if (mute != MuteRecord{}) dirty_ = true;
  mute = MuteRecord{};
  if (!was_muted) return {std::nullopt, job_id + " was not muted", {}};
  audit("unmute", *job, uid, std::nullopt, "", now);
  // What was held goes out at the next probe.
  JobRuntime& rt = state_.jobs[job_id];
  rt.next_poll_at = std::min(rt.next_poll_at, now);
  return {std::nullopt, "unmuted " + job_id, {}};
}

}  // namespace opsd
