#include "service/daemon_secrets.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

namespace {

opsd::GetenvFn env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("the token from openclaw.json and TELEGRAM_BOT_TOKEN are secrets", "[daemon_secrets]") {
  std::string tmpl = (std::filesystem::temp_directory_path() / "opsd-secrets-XXXXXX").string();
  REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  std::string path = tmpl + "/openclaw.json";
  std::ofstream(path) << R"({channels: {telegram: {botToken: "111:from-config-file"}}})";
  auto secrets = opsd::daemon_secrets(path, env_of({{"TELEGRAM_BOT_TOKEN", "222:from-env-var"}}));
  CHECK(secrets == std::vector<std::string>{"111:from-config-file", "222:from-env-var"});
  std::filesystem::remove_all(tmpl);
}

TEST_CASE("a missing openclaw.json leaves the environment's token; short values are ignored",
          "[daemon_secrets]") {
  CHECK(opsd::daemon_secrets("/nonexistent/openclaw.json",
                             env_of({{"TELEGRAM_BOT_TOKEN", "333:only-env"}})) ==
        std::vector<std::string>{"333:only-env"});
  CHECK(opsd::daemon_secrets("/nonexistent/openclaw.json", env_of({{"TELEGRAM_BOT_TOKEN", "x"}}))
            .empty());
}
