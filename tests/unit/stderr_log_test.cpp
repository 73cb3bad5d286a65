#include "service/stderr_log.hpp"

#include <spdlog/details/log_msg.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>

namespace {

opsd::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string formatted(opsd::StderrLogStyle style, spdlog::level::level_enum level,
                      std::string_view text) {
  spdlog::details::log_msg msg("opsd", level, text);
  spdlog::memory_buf_t buf;
  opsd::stderr_log_formatter(style)->format(msg, buf);
  return std::string(buf.data(), buf.size());
}

}  // namespace

TEST_CASE("JOURNAL_STREAM turns on priority prefixes and turns colour off", "[stderr_log]") {
  opsd::StderrLogStyle s =
      opsd::stderr_log_style(env_of({{"JOURNAL_STREAM", "8:12345"}, {"TERM", "xterm"}}), true);
  CHECK(s.journal);
  CHECK_FALSE(s.colour);
  CHECK_FALSE(opsd::stderr_log_style(env_of({{"TERM", "xterm"}}), false).journal);
}

TEST_CASE("colour only on a terminal without NO_COLOR or a dumb TERM", "[stderr_log]") {
  CHECK(opsd::stderr_log_style(env_of({{"TERM", "xterm"}}), true).colour);
  CHECK_FALSE(opsd::stderr_log_style(env_of({{"TERM", "xterm"}}), false).colour);
  CHECK_FALSE(opsd::stderr_log_style(env_of({{"TERM", "xterm"}, {"NO_COLOR", "1"}}), true).colour);
  CHECK_FALSE(opsd::stderr_log_style(env_of({{"TERM", "dumb"}}), true).colour);
  CHECK_FALSE(opsd::stderr_log_style(env_of({}), true).colour);
  // no-color.org: an empty NO_COLOR does not count.
  CHECK(opsd::stderr_log_style(env_of({{"TERM", "xterm"}, {"NO_COLOR", ""}}), true).colour);
}

TEST_CASE("sd-daemon priorities by level", "[stderr_log]") {
  CHECK(opsd::journal_priority(spdlog::level::critical) == 2);
  CHECK(opsd::journal_priority(spdlog::level::err) == 3);
  CHECK(opsd::journal_priority(spdlog::level::warn) == 4);
  CHECK(opsd::journal_priority(spdlog::level::info) == 6);
  CHECK(opsd::journal_priority(spdlog::level::debug) == 7);
  CHECK(opsd::journal_priority(spdlog::level::trace) == 7);
}

TEST_CASE("journal lines start with the priority and have no timestamp", "[stderr_log]") {
  opsd::StderrLogStyle journal{true, false};
  CHECK(formatted(journal, spdlog::level::warn, "config x: unknown key") ==
        "<4>warning config x: unknown key\n");
  CHECK(formatted(journal, spdlog::level::err, "boom") == "<3>error boom\n");
  CHECK(formatted(journal, spdlog::level::info, "ready") == "<6>info ready\n");
  CHECK(formatted(journal, spdlog::level::debug, "detail") == "<7>debug detail\n");
  // Every line of a multi-line text keeps the priority.
  CHECK(formatted(journal, spdlog::level::err, "a\nb") == "<3>error a\n<3>b\n");
}

TEST_CASE("other lines start with a timestamp and the level name", "[stderr_log]") {
  std::string plain = formatted({false, false}, spdlog::level::warn, "slow");
  CHECK(plain.find(" warning slow\n") != std::string::npos);
  CHECK(plain.find('T') == 10);  // 2024-01-31T12:00:00.000
  CHECK(plain[0] != '<');
}
