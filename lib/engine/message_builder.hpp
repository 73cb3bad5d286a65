// Renders report sections into the message text (docs/notifications.md layout):
//
//   🛠️ Ops 快报（HH:MM:SS）
//
//   • name (id, kind)
//   - 状态: running (pid=42)
//   - 信息: ...
//   - 进度: k=v | k=v          (at most 6 scalar keys, sorted)
//   - 预计: 42% · 12/s · 剩余约 1h12m   (when the progress gives a ratio)
//   - ACTION REQUIRED: ...
//   - AUTORUN: ...
//
// Sections are separated by a blank line. locale "en" gives English labels; anything else zh.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "util/clock.hpp"

namespace opsd {

// Local minute of the day (0..1439) at a wall-clock time.
using LocalMinuteFn = std::function<int(TimeMs)>;

// The maximum number of scalar progress keys shown on the progress line.
constexpr int kMaxProgressKeys = 6;

// "HH:MM:SS" in local time (the minute from `local_minute`, the seconds from `t`).
std::string format_local_time(TimeMs t, const LocalMinuteFn& local_minute);

// "k=v | k=v" from a JSON object: its first kMaxProgressKeys keys in sorted order, the scalar
// values among them (string, number, bool, null), as the original tool showed them. "" when there
// is nothing to show or the text is not a JSON object.
std::string render_progress(const std::string& progress_json);

// One section, lines joined by '\n'; empty or blank fields are omitted, blank lines inside a
// field dropped (a blank line would split the section).
std::string render_section(const ReportSection& section, const std::string& locale);

// The whole message: header with the local time of `now`, then the sections.
std::string build_message(const std::vector<ReportSection>& sections, TimeMs now,
                          const std::string& locale, const LocalMinuteFn& local_minute);
std::string build_message(const std::vector<ReportSection>& sections, TimeMs now,
                          const std::string& locale, const Clock& clock);

}  // namespace opsd
