// How the outbox reaches Telegram: `openclaw message send` when the CLI is
// installed, else the Bot API, with the chat and token resolved from --target, notify.target,
// openclaw.json and TELEGRAM_BOT_TOKEN afresh before each attempt.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "notify/openclaw_config.hpp"
#include "notify/outbox_sender.hpp"
#include "notify/transport.hpp"
#include "service/notifier.hpp"

namespace opsd {

struct DeliveryOptions {
  std::string openclaw_config;  // path of openclaw.json (target, token, apiRoot)
  std::string target;           // --target chat id; "" = notify.target, then openclaw.json
  std::string ca_file;          // extra CA to trust for the Bot API ("" = system store)
  // The current `notify` block (follows reloads), read before each attempt: notify.target
  // when `target` is "", and notify.silentRoutine. Unset = defaults (no target, silent).
  std::function<NotifyConfig()> notify;
};

// Makes the transport for one set of settings: the openclaw CLI `openclaw_bin` when given
// ("" = not installed), falling back to the Bot API when `telegram` has a token.
using TransportFactory = std::function<std::unique_ptr<Transport>(
    const std::string& openclaw_bin, const TelegramSettings& telegram, const std::string& ca_file)>;

// The real factory: OpenclawTransport then TelegramTransport, on `ex`.
TransportFactory real_transport_factory(boost::asio::any_io_executor ex);

// Resolves an OutboxRoute before each attempt; keeps the transport while its settings hold.
class DeliveryRoutes {
 public:
  DeliveryRoutes(DeliveryOptions options, TransportFactory factory);
  OutboxRoute route();

 private:
  DeliveryOptions options_;
  TransportFactory factory_;
  std::unique_ptr<Transport> transport_;
  std::string token_, api_root_, openclaw_bin_;  // what transport_ was made for
};

// The durable Notifier: every message goes through `outbox` (which must outlive it).
class OutboxNotifier final : public Notifier {
 public:
  explicit OutboxNotifier(OutboxSender& outbox) : outbox_(outbox) {}
  void post(const std::string& text, bool alert) override { outbox_.post(text, alert); }
  void post_grouped(const std::string& header, const std::string& body, bool alert,
                    TimeMs window) override {
    outbox_.post_grouped(header, body, alert, window);
  }
  bool can_edit() const override { return true; }
  void post_card(const std::string& key, const std::string& text, bool final,
                 TimeMs edit_interval) override {
    outbox_.post_card(key, text, final, edit_interval);
  }
  std::string describe() const override {
    return "telegram (openclaw CLI, then Bot API), outbox " + std::to_string(outbox_.pending());
  }

 private:
  OutboxSender& outbox_;
};

}  // namespace opsd
