#include "notify/fallback_transport.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

using opsd::Delivery;
using opsd::FallbackTransport;
using opsd::SendResult;

namespace {

// A transport that answers every delivery with `answer` (on the executor) and records it.
class ScriptedTransport : public opsd::Transport {
 public:
  ScriptedTransport(boost::asio::io_context& io, std::string name, SendResult answer,
                    std::vector<std::string>& log)
      : io_(io), name_(std::move(name)), answer_(std::move(answer)), log_(log) {}

  void send(const std::string& chat_id, const std::string& text, bool silent,
            std::function<void(SendResult)> done) override {
    Delivery d;
    d.chat_id = chat_id;
    d.text = text;
    d.silent = silent;
    deliver(d, std::move(done));
  }
  void deliver(const Delivery& d, std::function<void(SendResult)> done) override {
    log_.push_back(name_ + (d.edit_message_id.empty() ? " send " : " edit ") + d.text);
    boost::asio::post(io_, [r = answer_, done = std::move(done)] { done(r); });
  }
  bool can_edit() const override { return true; }

 private:
  boost::asio::io_context& io_;
  std::string name_;
  SendResult answer_;
  std::vector<std::string>& log_;
};

SendResult answer(SendResult::Kind kind, std::string error = "") {
  SendResult r;
  r.kind = kind;
  r.error = std::move(error);
  return r;
}

struct Rig {
  boost::asio::io_context io;
  std::vector<std::string> log;

  FallbackTransport make(SendResult cli, SendResult api) {
    return FallbackTransport(io.get_executor(),
                             std::make_unique<ScriptedTransport>(io, "cli", cli, log),
                             std::make_unique<ScriptedTransport>(io, "api", api, log));
  }

  SendResult deliver(FallbackTransport& t, const Delivery& d) {
    std::optional<SendResult> got;
    t.deliver(d, [&](SendResult r) { got = std::move(r); });
    io.restart();
    io.run();
    REQUIRE(got);
    return *got;
  }
};

Delivery edit_of(std::string text) {
  Delivery d;
  d.chat_id = "42";
  d.text = std::move(text);
  d.edit_message_id = "55";
  return d;
}

}  // namespace

TEST_CASE("fallback: a new message tries the CLI first", "[notify][fallback]") {
  Rig rig;
  auto t = rig.make(answer(SendResult::Kind::delivered), answer(SendResult::Kind::delivered));
  Delivery d;
  d.chat_id = "42";
  d.text = "alert";
  CHECK(rig.deliver(t, d).kind == SendResult::Kind::delivered);
  CHECK(rig.log == std::vector<std::string>{"cli send alert"});
}

TEST_CASE("fallback: a card edit tries the Bot API first, and the CLI does not run",
          "[notify][fallback][cards]") {
  Rig rig;
  auto t = rig.make(answer(SendResult::Kind::delivered), answer(SendResult::Kind::delivered));
  CHECK(rig.deliver(t, edit_of("scan 40%")).kind == SendResult::Kind::delivered);
  CHECK(rig.log == std::vector<std::string>{"api edit scan 40%"});
}

TEST_CASE("fallback: a card edit the Bot API cannot make goes through the CLI",
          "[notify][fallback][cards]") {
  Rig rig;
  SendResult gone = answer(SendResult::Kind::permanent, "HTTP 400: message to edit not found");
  gone.edit_gone = true;
  auto t = rig.make(answer(SendResult::Kind::delivered), gone);
  CHECK(rig.deliver(t, edit_of("scan 50%")).kind == SendResult::Kind::delivered);
  CHECK(rig.log == std::vector<std::string>{"api edit scan 50%", "cli edit scan 50%"});
}

TEST_CASE("fallback: an edit failing both ways names both errors, the CLI's kind stands",
          "[notify][fallback][cards]") {
  Rig rig;
  SendResult gone = answer(SendResult::Kind::permanent, "openclaw: message not found");
  gone.edit_gone = true;
  auto t = rig.make(gone, answer(SendResult::Kind::transient, "connect: refused"));
  const SendResult r = rig.deliver(t, edit_of("scan 60%"));
  CHECK(r.kind == SendResult::Kind::permanent);
  CHECK(r.edit_gone);
  CHECK(r.error == "connect: refused; then openclaw: message not found");
}

TEST_CASE("fallback: without a Bot API an edit goes through the CLI alone",
          "[notify][fallback][cards]") {
  Rig rig;
  FallbackTransport t(rig.io.get_executor(),
                      std::make_unique<ScriptedTransport>(
                          rig.io, "cli", answer(SendResult::Kind::delivered), rig.log),
                      nullptr);
  CHECK(rig.deliver(t, edit_of("scan 70%")).kind == SendResult::Kind::delivered);
  CHECK(rig.log == std::vector<std::string>{"cli edit scan 70%"});
}
