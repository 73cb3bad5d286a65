#include "engine/card_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

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

std::optional<double> number(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  return std::nullopt;
}

std::string rate_text(double per_second) {
  char buf[32];
  if (per_second >= 10)
    std::snprintf(buf, sizeof buf, "%.0f/s", per_second);
  else if (per_second >= 0.1)
    std::snprintf(buf, sizeof buf, "%.1f/s", per_second);
  else
    std::snprintf(buf, sizeof buf, "%.1f/min", per_second * 60);
  return buf;
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
  const int filled = static_cast<int>(std::floor(r * kCardBarCells));
  std::string out;
  for (int i = 0; i < kCardBarCells; ++i) out += i < filled ? "▓" : "░";
  return out + " " + std::to_string(static_cast<int>(std::floor(r * 100))) + "%";
}

std::optional<double> simple_progress_ratio(const std::string& progress_json) {
  if (progress_json.empty()) return std::nullopt;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(progress_json, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const boost::json::object& o = v.get_object();
  const std::optional<double> total = number(o, "total");
  for (const char* key : {"done", "processed"}) {
    const std::optional<double> done = number(o, key);
    if (done && total && *total > 0) return std::clamp(*done / *total, 0.0, 1.0);
  }
  if (const std::optional<double> pct = number(o, "percent"))
    return std::clamp(*pct / 100.0, 0.0, 1.0);
  return std::nullopt;
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
    rate = rate_text(*s.rate_per_second);
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
