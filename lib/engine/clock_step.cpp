// Engine::on_clock_step: a wall-clock step moves the engine's times (state/clock_shift.hpp).
#include "engine/engine.hpp"
#include "state/clock_shift.hpp"

namespace opsd {

Step Engine::on_clock_step(TimeMs delta) {
  if (delta == 0) return {};
  shift_durations(state_, delta);
  for (auto& [id, run] : direct_runs_) shift_time(run.started_at, delta);
  return Step{{}, {}, true};
}

}  // namespace opsd
