#include "notify/telegram_transport.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <optional>

#include <boost/json.hpp>

#include "fixtures/fake_bot_api.hpp"
#include "notify/telegram_api.hpp"

namespace json = boost::json;
using opsd::SendResult;
using opsd::TelegramOptions;
using opsd::TelegramTransport;
using opsd::testing::FakeBotApi;
using opsd::testing::run_until;
using opsd::testing::ScriptedResponse;

namespace {

const std::string kToken = "123456:TEST-secret_token";

TelegramOptions options_for(const std::string& url) {
  TelegramOptions o;
  o.api_root = url;
  o.token = kToken;
  o.timeout = std::chrono::milliseconds(5000);
  return o;
}

// Sends one message and runs the loop until its result arrives.
SendResult send_one(boost::asio::io_context& ioc, TelegramTransport& t,
                    const std::string& text = "hello", bool silent = true) {
  std::optional<SendResult> got;
  t.send("42", text, silent, [&](SendResult r) { got = std::move(r); });
  REQUIRE(run_until(ioc, [&] { return got.has_value(); }));
  CHECK(got->error.find(kToken) == std::string::npos);
  CHECK(got->error.find("TEST-secret") == std::string::npos);
  return *got;
}

struct TempDir {
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "opsd-tg-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

}  // namespace

TEST_CASE("telegram api: responses are classified like the Bot API means them", "[telegram]") {
  using Kind = SendResult::Kind;
  CHECK(opsd::classify_telegram_response(200, R"({"ok":true,"result":{}})").kind ==
        Kind::delivered);
  const auto limited = opsd::classify_telegram_response(
      429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17",
               "parameters":{"retry_after":17}})");
  CHECK(limited.kind == Kind::retry_after);
  CHECK(limited.retry_after_seconds == 17);
  CHECK(opsd::classify_telegram_response(429, "").retry_after_seconds == 5);
  const auto migrated = opsd::classify_telegram_response(
      400, R"({"ok":false,"description":"Bad Request: group chat was upgraded to a supergroup chat",
               "parameters":{"migrate_to_chat_id":-1001234567890}})");
  CHECK(migrated.kind == Kind::permanent);
  CHECK(migrated.migrate_to_chat_id == "-1001234567890");
  const auto blocked = opsd::classify_telegram_response(
      403, R"({"ok":false,"description":"Forbidden: bot was blocked by the user"})");
  CHECK(blocked.kind == Kind::permanent);
  CHECK(blocked.http_status == 403);
  CHECK(blocked.error == "HTTP 403: Forbidden: bot was blocked by the user");
  CHECK(opsd::classify_telegram_response(400, R"({"ok":false})").kind == Kind::permanent);
  CHECK(opsd::classify_telegram_response(401, "").kind == Kind::permanent);
  CHECK(opsd::classify_telegram_response(404, "").kind == Kind::permanent);
  CHECK(opsd::classify_telegram_response(502, "<html>Bad Gateway</html>").kind == Kind::transient);
  CHECK(opsd::classify_telegram_response(502, "<html>\nBad</html>").error ==
        "HTTP 502: <html> Bad</html>");
  CHECK(opsd::classify_telegram_response(200, R"({"ok":false})").kind == Kind::permanent);
}

TEST_CASE("telegram api: apiRoot is split into scheme, host, port and prefix", "[telegram]") {
  auto ep = opsd::parse_api_root("https://api.telegram.org");
  REQUIRE(ep.ok());
  CHECK(ep->tls);
  CHECK(ep->host == "api.telegram.org");
  CHECK(ep->port == "443");
  CHECK(opsd::send_message_target(*ep, "T") == "/botT/sendMessage");
  CHECK(opsd::host_header(*ep) == "api.telegram.org");

  ep = opsd::parse_api_root("http://127.0.0.1:8081/proxy/");
  REQUIRE(ep.ok());
  CHECK_FALSE(ep->tls);
  CHECK(ep->port == "8081");
  CHECK(opsd::send_message_target(*ep, "T") == "/proxy/botT/sendMessage");
  CHECK(opsd::host_header(*ep) == "127.0.0.1:8081");

  ep = opsd::parse_api_root("https://[::1]:8443");
  REQUIRE(ep.ok());
  CHECK(ep->host == "::1");
  CHECK(opsd::host_header(*ep) == "[::1]:8443");

  CHECK_FALSE(opsd::parse_api_root("ftp://x").ok());
  CHECK_FALSE(opsd::parse_api_root("https://").ok());
  CHECK_FALSE(opsd::parse_api_root("https://h:99999").ok());
  CHECK_FALSE(opsd::parse_api_root("https://user@h").ok());
}

TEST_CASE("telegram: a send POSTs the Bot API JSON to /bot<token>/sendMessage", "[telegram]") {
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  TelegramTransport t(ioc.get_executor(), options_for(server.url()));

  const auto routine = send_one(ioc, t, "进度: 50% ✅", /*silent=*/true);
  CHECK(routine.kind == SendResult::Kind::delivered);
  CHECK(routine.http_status == 200);
  const auto alert = send_one(ioc, t, "ALERT", /*silent=*/false);
  CHECK(alert.kind == SendResult::Kind::delivered);

  REQUIRE(server.requests.size() == 2);
  const auto& req = server.requests[0];
  CHECK(req.method == "POST");
  CHECK(req.target == "/bot" + kToken + "/sendMessage");
  CHECK(req.content_type == "application/json");
  const json::value body = json::parse(req.body);
  CHECK(body.at("chat_id") == "42");
  CHECK(body.at("text") == "进度: 50% ✅");
  CHECK(body.at("link_preview_options").at("is_disabled") == true);
  CHECK_FALSE(body.as_object().contains("disable_web_page_preview"));
  CHECK(body.at("disable_notification") == true);
  CHECK(json::parse(server.requests[1].body).at("disable_notification") == false);
}

TEST_CASE("telegram: 429 gives retry_after with parameters.retry_after", "[telegram]") {
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  server.respond({429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: )"
                       R"(retry after 31","parameters":{"retry_after":31}})"});
  TelegramTransport t(ioc.get_executor(), options_for(server.url()));
  const auto r = send_one(ioc, t);
  CHECK(r.kind == SendResult::Kind::retry_after);
  CHECK(r.retry_after_seconds == 31);
  CHECK(r.http_status == 429);
}

TEST_CASE("telegram: 500 is transient and 403 is permanent with its description", "[telegram]") {
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  server.respond({500, R"({"ok":false,"description":"Internal Server Error"})"});
  server.respond({403, R"({"ok":false,"description":"Forbidden: bot was blocked by the user"})"});
  TelegramTransport t(ioc.get_executor(), options_for(server.url()));
  const auto r500 = send_one(ioc, t);
  CHECK(r500.kind == SendResult::Kind::transient);
  CHECK(r500.http_status == 500);
  const auto r403 = send_one(ioc, t);
  CHECK(r403.kind == SendResult::Kind::permanent);
  CHECK(r403.error == "HTTP 403: Forbidden: bot was blocked by the user");
}

TEST_CASE("telegram: the token is redacted from errors that echo the URL", "[telegram]") {
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  server.respond(
      {404, R"({"ok":false,"description":"Not Found: /bot)" + kToken + R"(/sendMessage"})"});
  TelegramTransport t(ioc.get_executor(), options_for(server.url()));
  const auto r = send_one(ioc, t);  // send_one checks the token is absent
  CHECK(r.kind == SendResult::Kind::permanent);
  CHECK(r.error == "HTTP 404: Not Found: /bot<redacted>/sendMessage");
}

TEST_CASE("telegram: keep-alive reuses one connection across sends", "[telegram]") {
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  TelegramTransport t(ioc.get_executor(), options_for(server.url()));
  CHECK(send_one(ioc, t, "one").kind == SendResult::Kind::delivered);
  CHECK(send_one(ioc, t, "two").kind == SendResult::Kind::delivered);
  CHECK(server.connections == 1);
  REQUIRE(server.requests.size() == 2);
  CHECK(server.requests[1].connection == 1);
}

TEST_CASE("telegram: sends queued together go out in order on one connection", "[telegram]") {
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  TelegramTransport t(ioc.get_executor(), options_for(server.url()));
  std::vector<std::string> done;
  for (const char* text : {"a", "b", "c"}) {
    t.send("42", text, true, [&done, text](SendResult r) {
      CHECK(r.kind == SendResult::Kind::delivered);
      done.push_back(text);
    });
  }
  REQUIRE(run_until(ioc, [&] { return done.size() == 3; }));
  CHECK(done == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(server.requests.size() == 3);
  CHECK(json::parse(server.requests[2].body).at("text") == "c");
  CHECK(server.connections == 1);
}

TEST_CASE("telegram: a connection closed by the server is reopened", "[telegram]") {
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  server.respond({200, R"({"ok":true})", /*close=*/true});
  TelegramTransport t(ioc.get_executor(), options_for(server.url()));
  CHECK(send_one(ioc, t, "one").kind == SendResult::Kind::delivered);
  CHECK(send_one(ioc, t, "two").kind == SendResult::Kind::delivered);
  CHECK(server.connections == 2);
}

TEST_CASE("telegram: HTTPS succeeds when the CA file trusts the server", "[telegram]") {
  const auto cert = opsd::testing::make_self_signed_cert();
  TempDir dir;
  const auto ca = dir.path / "ca.pem";
  std::ofstream(ca) << cert.cert_pem;
  boost::asio::io_context ioc;
  FakeBotApi server(ioc, &cert);
  auto opts = options_for(server.url());
  REQUIRE(opts.api_root.rfind("https://127.0.0.1:", 0) == 0);
  opts.ca_file = ca.string();
  TelegramTransport t(ioc.get_executor(), opts);
  CHECK(send_one(ioc, t).kind == SendResult::Kind::delivered);
  CHECK(send_one(ioc, t).kind == SendResult::Kind::delivered);
  CHECK(server.connections == 1);
  REQUIRE(server.requests.size() == 2);
  CHECK(server.requests[0].target == "/bot" + kToken + "/sendMessage");
}

TEST_CASE("telegram: HTTPS fails with a TLS error when the server is not trusted", "[telegram]") {
  const auto cert = opsd::testing::make_self_signed_cert();
  boost::asio::io_context ioc;
  FakeBotApi server(ioc, &cert);
  TelegramTransport t(ioc.get_executor(), options_for(server.url()));  // system store only
  const auto r = send_one(ioc, t);
  CHECK(r.kind == SendResult::Kind::transient);
  CHECK_THAT(r.error, Catch::Contains("TLS handshake failed") &&
                          Catch::Contains("certificate verify failed"));
  CHECK(server.requests.empty());
}

TEST_CASE("telegram: a refused connection is transient", "[telegram]") {
  boost::asio::io_context ioc;
  std::string url;
  {
    boost::asio::ip::tcp::acceptor probe(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    url = "http://127.0.0.1:" + std::to_string(probe.local_endpoint().port());
  }  // closed: nothing listens there now
  TelegramTransport t(ioc.get_executor(), options_for(url));
  const auto r = send_one(ioc, t);
  CHECK(r.kind == SendResult::Kind::transient);
  CHECK(r.http_status == 0);
  CHECK_THAT(r.error, Catch::Contains("connecting failed"));
}

TEST_CASE("telegram: a server that never answers times out as transient", "[telegram]") {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  boost::asio::ip::tcp::socket held(ioc);
  silent.async_accept(held, [](boost::system::error_code) {});
  auto opts = options_for("http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()));
  opts.timeout = std::chrono::milliseconds(300);
  TelegramTransport t(ioc.get_executor(), opts);
  const auto r = send_one(ioc, t);
  CHECK(r.kind == SendResult::Kind::transient);
  CHECK_THAT(r.error, Catch::Contains("timed out reading the response"));
}

TEST_CASE("telegram: a missing token or bad apiRoot fails without a request", "[telegram]") {
  boost::asio::io_context ioc;
  FakeBotApi server(ioc);
  auto opts = options_for(server.url());
  opts.token.clear();
  TelegramTransport no_token(ioc.get_executor(), opts);
  CHECK_THAT(send_one(ioc, no_token).error, Catch::Contains("no Telegram bot token"));
  TelegramTransport bad_root(ioc.get_executor(), options_for("ftp://x"));
  CHECK_THAT(send_one(ioc, bad_root).error, Catch::Contains("apiRoot"));
  CHECK(server.requests.empty());
}
