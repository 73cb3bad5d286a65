#include "notify/openclaw_transport.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "fixtures/fake_bot_api.hpp"
#include "notify/fallback_transport.hpp"
#include "notify/telegram_transport.hpp"

using opsd::FallbackTransport;
using opsd::OpenclawOptions;
using opsd::OpenclawTransport;
using opsd::SendResult;
using opsd::testing::FakeBotApi;
using opsd::testing::run_until;

namespace {

const std::string kToken = "987654:CLI-secret_token";

struct TempDir {
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "opsd-oc-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }

  // Writes an executable shell script `name` with `body` after the shebang.
  std::string script(const std::string& name, const std::string& body) const {
    const auto p = path / name;
    std::ofstream(p) << "#!/bin/sh\n" << body;
    ::chmod(p.c_str(), 0755);
    return p.string();
  }
  std::filesystem::path path;
};

// A stand-in `openclaw` that records its argv (NUL-separated) to argv.bin beside itself.
std::string recording_openclaw(const TempDir& dir, const std::string& then) {
  return dir.script(
      "openclaw",
      "for a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$(dirname \"$0\")/argv.bin\"\n" + then);
}

std::vector<std::string> recorded_argv(const TempDir& dir) {
  std::ifstream in(dir.path / "argv.bin", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> argv;
  std::size_t start = 0;
  for (std::size_t nul = all.find('\0'); nul != std::string::npos; nul = all.find('\0', start)) {
    argv.push_back(all.substr(start, nul - start));
    start = nul + 1;
  }
  return argv;
}

SendResult send_one(boost::asio::io_context& ioc, opsd::Transport& t, const std::string& text) {
  std::optional<SendResult> got;
  t.send("42", text, true, [&](SendResult r) { got = std::move(r); });
  REQUIRE(run_until(ioc, [&] { return got.has_value(); }));
  CHECK(got->error.find(kToken) == std::string::npos);
  return *got;
}

OpenclawOptions cli(const std::string& binary) {
  OpenclawOptions o;
  o.binary = binary;
  o.timeout = std::chrono::milliseconds(5000);
  o.secret = kToken;
  return o;
}

}  // namespace

TEST_CASE("openclaw: the binary is found on PATH, else in the fallback paths", "[notify]") {
  TempDir a;
  TempDir b;
  std::filesystem::create_directory(a.path / "bin");
  std::filesystem::create_directory(a.path / "bin" / "openclaw");  // a directory: skipped
  std::ofstream(b.path / "openclaw") << "not executable";          // mode 0644: skipped
  TempDir c;
  const std::string good = c.script("openclaw", "exit 0\n");
  const std::string path_env =
      (a.path / "bin").string() + "::" + b.path.string() + ":" + c.path.string();
  CHECK(opsd::find_openclaw_binary(path_env, {}) == good);
  CHECK(opsd::find_openclaw_binary((a.path / "bin").string(), {"/nonexistent/openclaw", good}) ==
        good);
  CHECK_FALSE(opsd::find_openclaw_binary(b.path.string(), {"/nonexistent/openclaw"}).has_value());
  CHECK_FALSE(opsd::find_openclaw_binary("", {}).has_value());
}

TEST_CASE("openclaw: a send runs `openclaw message send` with the target and text", "[notify]") {
  TempDir dir;
  const std::string bin = recording_openclaw(dir, "exit 0\n");
  boost::asio::io_context ioc;
  OpenclawTransport t(ioc.get_executor(), cli(bin));
  const std::string text = "🛠️ Ops 快报（12:00:00）\n- 状态: running; $HOME `x` \"q\"";
  const auto r = send_one(ioc, t, text);
  CHECK(r.kind == SendResult::Kind::delivered);
  CHECK(r.error.empty());
  CHECK(recorded_argv(dir) == std::vector<std::string>{"message", "send", "--channel", "telegram",
                                                       "--target", "42", "--message", text,
                                                       "--silent"});
}

TEST_CASE("openclaw: a failing CLI is transient with the end of its stderr", "[notify]") {
  TempDir dir;
  const std::string bin =
      dir.script("openclaw", "echo 'starting' >&2\necho 'error: gateway unreachable " + kToken +
                                 "' >&2\nexit 3\n");
  boost::asio::io_context ioc;
  OpenclawTransport t(ioc.get_executor(), cli(bin));
  const auto r = send_one(ioc, t, "hi");  // also checks the token was redacted
  CHECK(r.kind == SendResult::Kind::transient);
  CHECK_THAT(r.error, Catch::Contains("exit status 3") &&
                          Catch::EndsWith("starting error: gateway unreachable <redacted>"));
}

TEST_CASE("openclaw: a hanging CLI and its children are killed at the timeout", "[notify]") {
  TempDir dir;
  const std::string bin = dir.script("openclaw", "echo waiting >&2\nsleep 30 &\nsleep 30\n");
  boost::asio::io_context ioc;
  auto opts = cli(bin);
  opts.timeout = std::chrono::milliseconds(300);
  OpenclawTransport t(ioc.get_executor(), opts);
  const auto start = std::chrono::steady_clock::now();
  const auto r = send_one(ioc, t, "hi");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(r.kind == SendResult::Kind::transient);
  CHECK_THAT(r.error,
             Catch::StartsWith("openclaw timed out after 300 ms") && Catch::Contains("waiting"));
  CHECK(elapsed < std::chrono::seconds(2));  // the background sleep did not hold stderr open
}

TEST_CASE("openclaw: a binary that cannot run is transient", "[notify]") {
  boost::asio::io_context ioc;
  OpenclawTransport t(ioc.get_executor(), cli("/nonexistent/dir/openclaw"));
  const auto r = send_one(ioc, t, "hi");
  CHECK(r.kind == SendResult::Kind::transient);
  CHECK_THAT(r.error, Catch::StartsWith("openclaw"));
}

TEST_CASE("fallback: the Bot API delivers when the openclaw CLI fails", "[notify]") {
  TempDir dir;
  const std::string bin = recording_openclaw(dir, "echo 'no gateway' >&2\nexit 1\n");
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  opsd::TelegramOptions tg;
  tg.api_root = server.url();
  tg.token = kToken;
  FallbackTransport t(ioc.get_executor(),
                      std::make_unique<OpenclawTransport>(ioc.get_executor(), cli(bin)),
                      std::make_unique<opsd::TelegramTransport>(ioc.get_executor(), tg));
  const auto r = send_one(ioc, t, "fallback text");
  CHECK(r.kind == SendResult::Kind::delivered);
  CHECK(r.error.empty());
  CHECK(recorded_argv(dir).size() == 9);  // the CLI was tried first (routine: --silent)
  REQUIRE(server.requests.size() == 1);
  CHECK(server.requests[0].target == "/bot" + kToken + "/sendMessage");
  CHECK_THAT(server.requests[0].body, Catch::Contains("fallback text"));
}

TEST_CASE("fallback: a working openclaw CLI is used and the Bot API is not", "[notify]") {
  TempDir dir;
  const std::string bin = recording_openclaw(dir, "exit 0\n");
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  opsd::TelegramOptions tg;
  tg.api_root = server.url();
  tg.token = kToken;
  FallbackTransport t(ioc.get_executor(),
                      std::make_unique<OpenclawTransport>(ioc.get_executor(), cli(bin)),
                      std::make_unique<opsd::TelegramTransport>(ioc.get_executor(), tg));
  CHECK(send_one(ioc, t, "via cli").kind == SendResult::Kind::delivered);
  CHECK(recorded_argv(dir).at(7) == "via cli");
  CHECK(server.requests.empty());
}

TEST_CASE("fallback: both failing report both errors with the Bot API's kind", "[notify]") {
  TempDir dir;
  const std::string bin = dir.script("openclaw", "echo 'cli down' >&2\nexit 1\n");
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  server.respond({403, R"({"ok":false,"description":"Forbidden: bot was blocked by the user"})"});
  opsd::TelegramOptions tg;
  tg.api_root = server.url();
  tg.token = kToken;
  FallbackTransport t(ioc.get_executor(),
                      std::make_unique<OpenclawTransport>(ioc.get_executor(), cli(bin)),
                      std::make_unique<opsd::TelegramTransport>(ioc.get_executor(), tg));
  const auto r = send_one(ioc, t, "x");
  CHECK(r.kind == SendResult::Kind::permanent);
  CHECK(r.http_status == 403);
  CHECK_THAT(r.error, Catch::Contains("cli down; then HTTP 403: Forbidden"));
}

TEST_CASE("fallback: without the CLI the Bot API is used; with neither, transient", "[notify]") {
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  opsd::TelegramOptions tg;
  tg.api_root = server.url();
  tg.token = kToken;
  FallbackTransport direct(ioc.get_executor(), nullptr,
                           std::make_unique<opsd::TelegramTransport>(ioc.get_executor(), tg));
  CHECK(send_one(ioc, direct, "x").kind == SendResult::Kind::delivered);
  CHECK(server.requests.size() == 1);

  FallbackTransport none(ioc.get_executor(), nullptr, nullptr);
  bool called_inline = false;
  std::optional<SendResult> got;
  none.send("42", "x", true, [&](SendResult r) { got = r; });
  called_inline = got.has_value();
  CHECK_FALSE(called_inline);
  REQUIRE(run_until(ioc, [&] { return got.has_value(); }));
  CHECK(got->kind == SendResult::Kind::transient);
  CHECK_THAT(got->error, Catch::Contains("no way to send"));
}

namespace {

SendResult deliver_one(boost::asio::io_context& ioc, opsd::Transport& t, const opsd::Delivery& d) {
  std::optional<SendResult> got;
  t.deliver(d, [&](SendResult r) { got = std::move(r); });
  REQUIRE(run_until(ioc, [&] { return got.has_value(); }));
  return *got;
}

}  // namespace

TEST_CASE("openclaw: a card is sent with --json and its messageId comes back", "[notify][cards]") {
  TempDir dir;
  const std::string bin = recording_openclaw(
      dir, "echo '[telegram] sending'\necho '{\"ok\":true,\"result\":{\"messageId\":\"77\"}}'\n");
  boost::asio::io_context ioc;
  OpenclawTransport t(ioc.get_executor(), cli(bin));
  CHECK(t.can_edit());
  opsd::Delivery d;
  d.chat_id = "42";
  d.text = "card";
  d.silent = true;
  d.thread_id = "9";
  d.want_message_id = true;
  const SendResult r = deliver_one(ioc, t, d);
  CHECK(r.kind == SendResult::Kind::delivered);
  CHECK(r.message_id == "77");
  CHECK(recorded_argv(dir) == std::vector<std::string>{"message", "send", "--channel", "telegram",
                                                       "--target", "42", "--message", "card",
                                                       "--thread-id", "9", "--silent", "--json"});
}

TEST_CASE("openclaw: an edit runs `openclaw message edit` with the message id", "[notify][cards]") {
  TempDir dir;
  const std::string bin = recording_openclaw(dir, "exit 0\n");
  boost::asio::io_context ioc;
  OpenclawTransport t(ioc.get_executor(), cli(bin));
  opsd::Delivery d;
  d.chat_id = "42";
  d.text = "new text";
  d.edit_message_id = "77";
  CHECK(deliver_one(ioc, t, d).kind == SendResult::Kind::delivered);
  CHECK(recorded_argv(dir) == std::vector<std::string>{"message", "edit", "--channel", "telegram",
                                                       "--target", "42", "--message-id", "77",
                                                       "--message", "new text"});
}

TEST_CASE("openclaw: an edit of a deleted message is edit_gone; not modified is delivered",
          "[notify][cards]") {
  TempDir dir;
  boost::asio::io_context ioc;
  opsd::Delivery d;
  d.chat_id = "42";
  d.text = "t";
  d.edit_message_id = "77";
  const std::string gone =
      dir.script("openclaw", "echo 'Error: Bad Request: message to edit not found' >&2\nexit 1\n");
  OpenclawTransport t(ioc.get_executor(), cli(gone));
  const SendResult r = deliver_one(ioc, t, d);
  CHECK(r.kind == SendResult::Kind::permanent);
  CHECK(r.edit_gone);
  TempDir other;
  const std::string same =
      other.script("openclaw", "echo 'Error: Bad Request: message is not modified' >&2\nexit 1\n");
  OpenclawTransport t2(ioc.get_executor(), cli(same));
  CHECK(deliver_one(ioc, t2, d).kind == SendResult::Kind::delivered);
}

TEST_CASE("openclaw: the message id is found in the --json output or is empty", "[notify][cards]") {
  CHECK(opsd::openclaw_message_id(R"({"payload":{"messageId":"12"}})") == "12");
  CHECK(opsd::openclaw_message_id("log line\n{\"message_id\": 13}") == "13");
  CHECK(opsd::openclaw_message_id("[gw] ok {not json\n{\"messageId\": 14} trailer") == "14");
  CHECK(opsd::openclaw_message_id("sent") == "");
  CHECK(opsd::openclaw_message_id("{not json") == "");
}
