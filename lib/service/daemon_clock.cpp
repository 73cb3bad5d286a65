// Daemon: wall-clock steps (docs/persistence.md "Clock steps").
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "service/daemon_impl.hpp"
#include "state/clock_shift.hpp"

namespace opsd {

namespace {

// "-2h0m5s", "+30s": a step for the log, to the nearest second.
std::string step_text(TimeMs delta) {
  const TimeMs s = (std::llabs(delta) + 500) / 1000;
  std::string out = delta < 0 ? "-" : "+";
  if (s >= 3600) out += std::to_string(s / 3600) + "h";
  if (s >= 60) out += std::to_string(s / 60 % 60) + "m";
  return out + std::to_string(s % 60) + "s";
}

}  // namespace

void Daemon::check_clock_step() {
  const TimeMs delta = wall_clock_.check_step();
  if (delta == 0 || !engine_) return;
  spdlog::info("wall clock stepped by {}: ages and deadlines keep their length", step_text(delta));
  shift_time(info_.started_at, delta);
  dispatch(engine_->on_clock_step(delta));
  if (outbox_) outbox_->shift_times(delta);
}

void Daemon::adopt_restart_step(StateLoad& loaded) {
  (void)wall_clock_.check_step();  // now() is the wall clock at this start
  const TimeMs delta = restart_step(loaded.state.saved_at, clock_.now(), kClockStepThreshold);
  if (delta == 0) return;
  spdlog::info(
      "wall clock stepped by {} while opsd was down (before the last save): ages and "
      "deadlines keep their length",
      step_text(delta));
  shift_durations(loaded.state, delta);
  shift_durations(loaded.outbox, delta);
}

}  // namespace opsd
