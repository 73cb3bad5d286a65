// The text of a job's live card (notify.progress "card", docs/notifications.md):
//
//   📋 name (id)
//   - 状态: running (pid=42)                 final: completed in 2h13m / crashed / stopped
//   - 进度: ▓▓▓▓░░░░░░ 40% · done=4 | total=10
//   - 速率: 1.5/s · ETA 14:05:00             (only what is known)
//   - 信息: ...
//   - 更新: HH:MM:SS
//
// Pure: no I/O, no clock.
#pragma once

#include <optional>
#include <string>

#include "engine/engine.hpp"
#include "engine/message_builder.hpp"
#include "util/clock.hpp"

namespace opsd {

// Cells of the progress bar.
inline constexpr int kCardBarCells = 10;

// "▓▓▓▓░░░░░░ 40%" for a ratio (clamped to 0..1); "" without one.
std::string card_bar(std::optional<double> ratio);

// The card of `s` as of `now` (the update line in local time). A `final` card's state says
// how the run ended: "completed in 2h13m" (the run time from s.started_at, when known),
// "stopped", else "crashed: <state>". locale "en" gives English labels; anything else zh.
std::string render_card(const ReportSection& s, bool final, TimeMs now, const std::string& locale,
                        const LocalMinuteFn& local_minute);

}  // namespace opsd
