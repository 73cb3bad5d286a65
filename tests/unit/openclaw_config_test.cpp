#include "notify/openclaw_config.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "notify/json5.hpp"

namespace json = boost::json;
using opsd::resolve_telegram;

namespace {

struct TempDir {
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "opsd-ocfg-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& content) const {
    const auto p = path / name;
    std::ofstream(p) << content;
    return p.string();
  }
  std::filesystem::path path;
};

struct FakeEnv {
  std::map<std::string, std::string> vars;
  opsd::GetenvFn fn() const {
    return [this](const std::string& k) -> std::optional<std::string> {
      const auto it = vars.find(k);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
};

std::optional<json::value> json5(const std::string& text) {
  auto r = opsd::parse_json5(text);
  REQUIRE(r.ok());
  return std::move(r).value();
}

}  // namespace

TEST_CASE("openclaw config: strip_target_prefix removes tg: and telegram:", "[notify]") {
  CHECK(opsd::strip_target_prefix("tg:123") == "123");
  CHECK(opsd::strip_target_prefix("telegram:-100200") == "-100200");
  CHECK(opsd::strip_target_prefix(" 42 ") == "42");
  CHECK(opsd::strip_target_prefix("@channel") == "@channel");
}

TEST_CASE("openclaw config: configured target wins over openclaw.json", "[notify]") {
  FakeEnv env;
  const auto cfg = json5(R"({agents: {list: [{id: 'main', heartbeat: {target: 'telegram',
      to: '111'}}]}, channels: {telegram: {allowFrom: ['tg:222']}}})");
  const auto s = resolve_telegram(cfg, "tg:999", env.fn());
  CHECK(s.target == "999");
  CHECK(s.target_source == "notify.target");
}

TEST_CASE("openclaw config: heartbeat.to of agent main with target telegram", "[notify]") {
  FakeEnv env;
  const auto cfg = json5(R"({
    agents: {list: [
      {id: 'other', heartbeat: {target: 'telegram', to: '1'}},
      {id: 'main', heartbeat: {target: 'slack', to: '2'}},
      {id: 'main', heartbeat: {target: 'telegram', to: -1001234567890}},
    ]},
    channels: {telegram: {allowFrom: ['333']}},
  })");
  const auto s = resolve_telegram(cfg, "", env.fn());
  CHECK(s.target == "-1001234567890");
  CHECK(s.target_source == "agents.list[main].heartbeat.to");
}

TEST_CASE("openclaw config: allowFrom[0] without its prefix, string or number", "[notify]") {
  FakeEnv env;
  auto s = resolve_telegram(json5("{channels: {telegram: {allowFrom: ['tg:5550', '7']}}}"), "",
                            env.fn());
  CHECK(s.target == "5550");
  CHECK(s.target_source == "channels.telegram.allowFrom[0]");
  s = resolve_telegram(json5("{channels: {telegram: {allowFrom: [777]}}}"), "", env.fn());
  CHECK(s.target == "777");
}

TEST_CASE("openclaw config: no target is reported as a problem", "[notify]") {
  FakeEnv env;
  const auto s = resolve_telegram(std::nullopt, "", env.fn());
  CHECK(s.target.empty());
  CHECK(s.target_source.empty());
  REQUIRE_FALSE(s.problems.empty());
  CHECK_THAT(s.problems[0], Catch::Contains("no Telegram target"));
}

TEST_CASE("openclaw config: token precedence botToken > tokenFile > account > env", "[notify]") {
  TempDir dir;
  const std::string file = dir.write("tok", "  file-token\n");
  FakeEnv env;
  env.vars["TELEGRAM_BOT_TOKEN"] = "env-token";

  auto s = resolve_telegram(json5(R"({channels: {telegram: {botToken: 'direct',
      tokenFile: ')" + file + R"(', accounts: {default: {botToken: 'acct'}}}}})"),
                            "", env.fn());
  CHECK(s.token == "direct");
  CHECK(s.token_source == "channels.telegram.botToken");

  s = resolve_telegram(json5(R"({channels: {telegram: {tokenFile: ')" + file +
                             R"(', accounts: {default: {botToken: 'acct'}}}}})"),
                       "", env.fn());
  CHECK(s.token == "file-token");
  CHECK(s.token_source == "tokenFile " + file);

  s = resolve_telegram(json5("{channels: {telegram: {accounts: {default: {botToken: 'acct'}}}}}"),
                       "", env.fn());
  CHECK(s.token == "acct");
  CHECK(s.token_source == "accounts.default.botToken");

  s = resolve_telegram(json5("{}"), "", env.fn());
  CHECK(s.token == "env-token");
  CHECK(s.token_source == "TELEGRAM_BOT_TOKEN");

  env.vars.clear();
  s = resolve_telegram(json5("{}"), "", env.fn());
  CHECK(s.token.empty());
  CHECK(s.token_source.empty());
  CHECK_THAT(s.problems.back(), Catch::Contains("no Telegram bot token"));
}

TEST_CASE("openclaw config: defaultAccount selects the account, with its tokenFile", "[notify]") {
  TempDir dir;
  const std::string file = dir.write("work.tok", "work-token");
  FakeEnv env;
  const auto s = resolve_telegram(json5(R"({channels: {telegram: {defaultAccount: 'work',
      accounts: {default: {botToken: 'wrong'}, work: {tokenFile: ')" +
                                        file + R"('}}}}})"),
                                  "", env.fn());
  CHECK(s.token == "work-token");
  CHECK(s.token_source == "tokenFile " + file);
}

TEST_CASE("openclaw config: tokenFile must be a regular file", "[notify]") {
  TempDir dir;
  const std::string fifo = (dir.path / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  FakeEnv env;
  env.vars["TELEGRAM_BOT_TOKEN"] = "env-token";
  for (const std::string& path : {fifo, dir.path.string(), (dir.path / "missing").string()}) {
    const auto s = resolve_telegram(json5("{channels: {telegram: {tokenFile: '" + path + "'}}}"),
                                    "", env.fn());
    CHECK(s.token == "env-token");  // falls through to the next source
    REQUIRE_FALSE(s.problems.empty());
    CHECK_THAT(s.problems.back(), Catch::Contains("tokenFile") && Catch::Contains(path));
  }
}

TEST_CASE("openclaw config: tokenFile with ~/ is read from HOME", "[notify]") {
  TempDir dir;
  dir.write("t", "home-token\n");
  FakeEnv env;
  env.vars["HOME"] = dir.path.string();
  const auto s =
      resolve_telegram(json5("{channels: {telegram: {tokenFile: '~/t'}}}"), "", env.fn());
  CHECK(s.token == "home-token");
}

TEST_CASE("openclaw config: problems never contain the token", "[notify]") {
  FakeEnv env;
  const auto s =
      resolve_telegram(json5("{channels: {telegram: {botToken: 'sekret:123'}}}"), "", env.fn());
  CHECK(s.token == "sekret:123");
  for (const auto& p : s.problems) CHECK(p.find("sekret") == std::string::npos);
}

TEST_CASE("openclaw config: apiRoot is read without a trailing slash", "[notify]") {
  FakeEnv env;
  CHECK(resolve_telegram(json5("{}"), "", env.fn()).api_root == "https://api.telegram.org");
  CHECK(resolve_telegram(json5("{channels: {telegram: {apiRoot: 'http://127.0.0.1:81/'}}}"), "",
                         env.fn())
            .api_root == "http://127.0.0.1:81");
}

TEST_CASE("openclaw config: load_openclaw_json reads JSON5 and names missing files", "[notify]") {
  TempDir dir;
  const std::string path = dir.write("openclaw.json",
                                     "// c\n{channels: {telegram: {"
                                     "botToken: 'x',},},}\n");
  auto r = opsd::load_openclaw_json(path);
  REQUIRE(r.ok());
  CHECK(r->at("channels").at("telegram").at("botToken") == "x");

  const std::string missing = (dir.path / "nope.json").string();
  auto m = opsd::load_openclaw_json(missing);
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().message == "not found: " + missing);

  const std::string bad = dir.write("bad.json", "{\n a: 1\n b: 2}");
  auto b = opsd::load_openclaw_json(bad);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().message == bad + ":3:2: expected ',' or '}'");
}

TEST_CASE("openclaw config: OPENCLAW_CONFIG_PATH overrides STATE/openclaw.json", "[notify]") {
  FakeEnv env;
  CHECK(opsd::openclaw_config_path("/s", env.fn()) == "/s/openclaw.json");
  env.vars["OPENCLAW_CONFIG_PATH"] = "/etc/oc.json";
  CHECK(opsd::openclaw_config_path("/s", env.fn()) == "/etc/oc.json");
}
