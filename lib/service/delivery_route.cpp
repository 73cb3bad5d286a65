#include "service/delivery_route.hpp"

#include <cstdlib>
#include <optional>

#include "notify/fallback_transport.hpp"
#include "notify/openclaw_config.hpp"
#include "notify/openclaw_transport.hpp"
#include "notify/telegram_transport.hpp"

namespace opsd {

namespace {

std::optional<std::string> getenv_string(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

}  // namespace

TransportFactory real_transport_factory(boost::asio::any_io_executor ex) {
  return [ex](const std::string& openclaw_bin, const TelegramSettings& telegram,
              const std::string& ca_file) -> std::unique_ptr<Transport> {
    std::unique_ptr<Transport> primary;
    // 120 s per CLI call: the real CLI took up to 38 s on a busy 2-core host, and one killed
    // after it handed the message to the gateway still delivers it (so a retry duplicates it).
    if (!openclaw_bin.empty())
      primary = std::make_unique<OpenclawTransport>(
          ex, OpenclawOptions{openclaw_bin, std::chrono::seconds(120), telegram.token});
    std::unique_ptr<Transport> fallback;
    if (!telegram.token.empty())
      fallback = std::make_unique<TelegramTransport>(
          ex,
          TelegramOptions{telegram.api_root, telegram.token, ca_file, std::chrono::seconds(20)});
    return std::make_unique<FallbackTransport>(ex, std::move(primary), std::move(fallback));
  };
}

DeliveryRoutes::DeliveryRoutes(DeliveryOptions options, TransportFactory factory)
    : options_(std::move(options)), factory_(std::move(factory)) {}

OutboxRoute DeliveryRoutes::route() {
  Result<boost::json::value> cfg = load_openclaw_json(options_.openclaw_config);
  std::optional<boost::json::value> json;
  std::string config_error;
  if (cfg) {
    json = std::move(*cfg);
  } else {
    config_error = cfg.error().message;
  }
  const NotifyConfig notify = options_.notify ? options_.notify() : NotifyConfig{};
  const TelegramSettings telegram = resolve_telegram(
      json, options_.target.empty() ? notify.target : options_.target, getenv_string);
  const std::string bin = find_openclaw_binary(getenv_string("PATH").value_or("")).value_or("");

  OutboxRoute r;
  r.default_target = telegram.target;
  r.silent_routine = notify.silent_routine;
  r.thread_id = notify.thread_id;
  r.alert_target = notify.alerts_target;
  // Alerts in another chat are not in this chat's topic unless alerts.threadId says so.
  r.alert_thread_id = !notify.alerts_thread_id.empty() ? notify.alerts_thread_id
                      : notify.alerts_target.empty()   ? notify.thread_id
                                                       : "";
  r.secret = telegram.token;
  if (telegram.target.empty()) {
    r.problem = "no Telegram target: set notify.target, --target or openclaw.json";
  } else if (bin.empty() && telegram.token.empty()) {
    r.problem =
        "no way to send: openclaw CLI not found and no Telegram bot token (set "
        "channels.telegram.botToken or tokenFile in openclaw.json, or TELEGRAM_BOT_TOKEN)";
  }
  if (!r.problem.empty()) {
    if (!config_error.empty()) r.problem += "; openclaw.json " + config_error;
    return r;
  }
  if (!transport_ || telegram.token != token_ || telegram.api_root != api_root_ ||
      bin != openclaw_bin_) {
    token_ = telegram.token;
    api_root_ = telegram.api_root;
    openclaw_bin_ = bin;
    transport_ = factory_(bin, telegram, options_.ca_file);
  }
  r.transport = transport_.get();
  return r;
}

}  // namespace opsd
