#include "service/stderr_log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace opsd {

namespace {

bool journal_mode = false;  // set by install_stderr_log; read by print_stderr_error

bool set(const EnvLookup& env, const char* name) {
  std::optional<std::string> v = env(name);
  return v && !v->empty();
}

// "%*": the priority prefix, the level name and the text, with the prefix repeated after
// every newline of the text so that the journal files each line at the same priority.
class JournalLine final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const char prefix[] = {'<', static_cast<char>('0' + journal_priority(msg.level)), '>'};
    const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
    dest.append(prefix, prefix + sizeof prefix);
    dest.append(level.data(), level.data() + level.size());
    dest.push_back(' ');
    for (char c : msg.payload) {
      dest.push_back(c);
      if (c == '\n') dest.append(prefix, prefix + sizeof prefix);
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JournalLine>();
  }
};

}  // namespace

StderrLogStyle stderr_log_style(const EnvLookup& env, bool stderr_is_terminal) {
  StderrLogStyle style;
  style.journal = set(env, "JOURNAL_STREAM");
  std::optional<std::string> term = env("TERM");
  style.colour = !style.journal && stderr_is_terminal && !set(env, "NO_COLOR") && term &&
                 !term->empty() && *term != "dumb";
  return style;
}

int journal_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return 2;
    case spdlog::level::err:
      return 3;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::info:
      return 6;
    default:
      return 7;
  }
}

std::unique_ptr<spdlog::formatter> stderr_log_formatter(StderrLogStyle style) {
  auto f = std::make_unique<spdlog::pattern_formatter>();
  if (style.journal) {
    f->add_flag<JournalLine>('*').set_pattern("%*");
  } else {
    f->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  return f;
}

void install_stderr_log(const char* name, spdlog::level::level_enum level, StderrLogStyle style) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
      style.colour ? spdlog::color_mode::always : spdlog::color_mode::never);
  sink->set_formatter(stderr_log_formatter(style));
  auto logger = std::make_shared<spdlog::logger>(name, std::move(sink));
  logger->set_level(level);
  spdlog::set_default_logger(std::move(logger));
  journal_mode = style.journal;
  spdlog::debug("stderr log: {}, colour {}", style.journal ? "journal priorities" : "timestamps",
                style.colour ? "on" : "off");
}

void print_stderr_error(std::string_view text) {
  std::string line = journal_mode ? "<3>" : "";
  line.append(text);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

StderrLogStyle stderr_log_style_of_process() {
  return stderr_log_style(process_env(), isatty(STDERR_FILENO) == 1);
}

}  // namespace opsd
