#include "engine/card_text.hpp"

#include <algorithm>
#include <cmath>

#include "engine/progress_text.hpp"
#include "util/run_time_format.hpp"

namespace opsd {
namespace {

struct Labels {
  const char* state;
  const char* progress;
  const char* rate;
  const char* info;
  const char* updated;
};

constexpr Labels kZh{"状态", "进度", "速率", "信息", "更新"};
constexpr Labels kEn{"State", "Progress", "Rate", "Info", "Updated"};

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// `text` on one line: a card line never holds a line break.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

std::string final_state(const ReportSection& s, TimeMs now) {
  const std::string took = s.started_at > 0 ? " in " + format_run_time(now - s.started_at) : "";
  if (s.state.starts_with("completed")) return "completed" + took;
  if (s.state == "stopped") return "stopped" + took;
  return "crashed: " + s.state;
}

}  // namespace

std::string card_bar(std::optional<double> ratio) {
  if (!ratio || !std::isfinite(*ratio)) return "";
  const double r = std::clamp(*ratio, 0.0, 1.0);
  return progress_bar(r, kCardBarCells, "▓", "░") + " " + format_percent(r);
}

std::string render_card(const ReportSection& s, bool final, TimeMs now, const std::string& locale,
                        const LocalMinuteFn& local_minute) {
  const Labels& l = locale == "en" ? kEn : kZh;
  std::string out = "📋 " + one_line(s.name) + " (" + s.job_id + ")";
  auto line = [&out](const char* label, const std::string& text) {
    if (!blank(text)) out += "\n- " + std::string(label) + ": " + one_line(text);
  };
  line(l.state, final ? final_state(s, now) : s.state);
  std::string progress = card_bar(s.progress_ratio);
  const std::string keys = render_progress(s.progress_json);
  if (!keys.empty()) progress += (progress.empty() ? "" : " · ") + keys;
  line(l.progress, progress);
  std::string rate;
  if (s.rate_per_second && std::isfinite(*s.rate_per_second) && *s.rate_per_second > 0)
    rate = format_rate(*s.rate_per_second);
  if (s.eta_at)
    rate += (rate.empty() ? "" : " · ") + std::string("ETA ") +
            format_local_time(*s.eta_at, local_minute);
  line(l.rate, rate);
  line(l.info, s.info);
  line("ACTION REQUIRED", s.action_required);
  line(l.updated, format_local_time(now, local_minute));
  return out;
}

}  // namespace opsd
