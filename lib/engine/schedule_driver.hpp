// Schedules in the engine: a due time enqueues a one_shot_read job (the queue runs one at a
// time) or starts a long_running_read job that is neither running nor completed. The Engine
// members that do it (Engine::run_schedules) live in schedule_driver.cpp; this header has the
// pure helpers they and next_deadline use.
#pragma once

#include <optional>

#include "config/config.hpp"
#include "state/state.hpp"

namespace opsd {

// Queue item sources of scheduled runs (QueueItem::source).
inline constexpr std::string_view kScheduleSource = "schedule";
inline constexpr std::string_view kCatchUpSource = "schedule:catch-up";

// The earliest planned due time of an enabled scheduled job; nullopt when none.
std::optional<TimeMs> next_schedule_deadline(const Config& config, const State& state);

// True when `job` already has a pending scheduled queue item (a due time adds no second one).
bool scheduled_item_pending(const State& state, std::string_view job_id);

// Records `note` in rt.history (state unchanged) unless it is already the latest event: a
// skipped scheduled run is noted once, not at every due time.
void note_once(JobRuntime& rt, const std::string& note, TimeMs now);

}  // namespace opsd
