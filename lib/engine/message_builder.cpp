#include "engine/message_builder.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cstdio>

#include "engine/report_text.hpp"

namespace opsd {

namespace {

std::string scalar_text(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::string:
      return std::string(v.get_string());
    case boost::json::kind::int64:
      return std::to_string(v.get_int64());
    case boost::json::kind::uint64:
      return std::to_string(v.get_uint64());
    case boost::json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::double_: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_double());
      return std::string(buf, r.ptr);
    }
    default:
      return "";
  }
}

bool is_scalar(const boost::json::value& v) { return !v.is_object() && !v.is_array(); }

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// `text` without its blank lines: a blank line would end the section it is in.
std::string without_blank_lines(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view one = text.substr(0, nl);
    if (!blank(one)) {
      if (!out.empty()) out += '\n';
      out += one;
    }
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace

std::string format_local_time(TimeMs t, const LocalMinuteFn& local_minute) {
  int minute = local_minute ? local_minute(t) : 0;
  minute = ((minute % 1440) + 1440) % 1440;
  const long long secs = ((t / 1000) % 60 + 60) % 60;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02lld", minute / 60, minute % 60, secs);
  return buf;
}

std::string render_progress(const std::string& progress_json) {
  if (progress_json.empty()) return "";
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(progress_json, ec);
  if (ec || !v.is_object()) return "";
  std::vector<std::pair<std::string, const boost::json::value*>> items;
  for (const auto& kv : v.get_object()) items.emplace_back(std::string(kv.key()), &kv.value());
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  // As the original: the first kMaxProgressKeys keys in sorted order, non-scalars among them
  // left out (not replaced by later keys).
  if (items.size() > static_cast<std::size_t>(kMaxProgressKeys)) items.resize(kMaxProgressKeys);
  std::string out;
  for (const auto& [key, val] : items) {
    if (!is_scalar(*val)) continue;
    if (!out.empty()) out += " | ";
    out += key + "=" + scalar_text(*val);
  }
  return out;
}

std::string render_section(const ReportSection& s, const std::string& locale) {
  std::string out = "• " + s.name + " (" + s.job_id;
  if (s.kind) out += ", " + std::string(to_string(*s.kind));
  out += ")";
  auto line = [&out](std::string_view label, const std::string& text) {
    if (!blank(text)) out += "\n- " + std::string(label) + ": " + without_blank_lines(text);
  };
  line(text(Text::label_status, locale), s.state);
  line(text(Text::label_info, locale), s.info);
  line(text(Text::label_progress, locale), render_progress(s.progress_json));
  line(text(Text::label_estimate, locale), s.estimate);
  line("ACTION REQUIRED", s.action_required);
  line("AUTORUN", s.autorun);
  return out;
}

std::string build_message(const std::vector<ReportSection>& sections, TimeMs now,
                          const std::string& locale, const LocalMinuteFn& local_minute) {
  std::string out =
      std::string(text(Text::header, locale)) + std::string(text(Text::time_open, locale)) +
      format_local_time(now, local_minute) + std::string(text(Text::time_close, locale));
  for (const auto& s : sections) out += "\n\n" + render_section(s, locale);
  return out;
}

std::string build_message(const std::vector<ReportSection>& sections, TimeMs now,
                          const std::string& locale, const Clock& clock) {
  return build_message(sections, now, locale,
                       [&clock](TimeMs t) { return clock.local_minute_of_day(t); });
}

}  // namespace opsd
