#include "engine/daemon_alerts.hpp"

#include "engine/report_text.hpp"

namespace opsd {

namespace {

ReportSection daemon_section(Text state, std::string_view locale) {
  ReportSection s;
  s.job_id = "opsd";
  s.name = "opsd";
  s.state = text(state, locale);
  return s;
}

}  // namespace

ReportSection crash_loop_alert(int unclean_starts, int window_minutes, std::string_view locale) {
  ReportSection s = daemon_section(Text::crash_loop_state, locale);
  s.info = text(Text::crash_loop_info, locale,
                {std::to_string(unclean_starts), std::to_string(window_minutes)});
  s.action_required = text(Text::crash_loop_action, locale);
  return s;
}

ReportSection state_corrupt_alert(const std::string& error, const std::string& quarantined_to,
                                  std::string_view locale) {
  ReportSection s = daemon_section(Text::state_corrupt_state, locale);
  s.info = text(Text::state_corrupt_info, locale, {error, quarantined_to});
  s.action_required = text(Text::state_corrupt_action, locale);
  return s;
}

ReportSection state_not_saved_alert(const std::string& state_file, const std::string& error,
                                    std::string_view locale) {
  ReportSection s = daemon_section(Text::state_not_saved_state, locale);
  s.info = text(Text::state_not_saved_info, locale, {state_file, error});
  s.action_required = text(Text::state_not_saved_action, locale);
  return s;
}

ReportSection state_saved_again_alert(const std::string& state_file, std::string_view locale) {
  ReportSection s = daemon_section(Text::state_saved_again_state, locale);
  s.info = text(Text::state_saved_again_info, locale, {state_file});
  return s;
}

ReportSection state_large_alert(const std::string& state_file, std::size_t bytes, std::size_t cap,
                                std::size_t jobs, std::string_view locale) {
  ReportSection s = daemon_section(Text::state_large_state, locale);
  s.info = text(Text::state_large_info, locale,
                {std::to_string(bytes >> 20), std::to_string(cap >> 20), std::to_string(jobs)});
  s.action_required = text(Text::state_large_action, locale, {state_file});
  return s;
}

ReportSection config_invalid_alert(const std::string& config_file,
                                   const std::vector<std::string>& errors,
                                   const std::string& last_good, bool watched,
                                   std::string_view locale) {
  ReportSection s = daemon_section(Text::config_invalid_state, locale);
  std::string lines;
  for (const std::string& e : errors) lines += (lines.empty() ? "" : "\n") + e;
  s.info = text(Text::config_invalid_info, locale, {config_file, lines});
  const std::string runs = last_good.empty()
                               ? std::string(text(Text::config_runs_none, locale))
                               : text(Text::config_runs_last_good, locale, {last_good});
  const std::string fix = watched ? text(Text::config_fix_applies, locale, {config_file})
                                  : text(Text::reload_refused_action, locale, {config_file});
  s.action_required = runs + (locale == "en" ? "; " : "；") + fix;
  return s;
}

}  // namespace opsd
