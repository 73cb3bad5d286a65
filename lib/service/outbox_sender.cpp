#include "service/outbox_sender.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <cstdlib>
#include <random>

#include "notify/fallback_transport.hpp"
#include "notify/openclaw_config.hpp"
#include "notify/openclaw_transport.hpp"
#include "notify/outbox.hpp"
#include "notify/redact.hpp"
#include "notify/telegram_transport.hpp"

namespace opsd {

namespace {

std::optional<std::string> getenv_string(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

// The openclaw CLI when it is installed, then the Bot API when a token is known.
std::unique_ptr<Transport> make_transport(boost::asio::any_io_executor ex,
                                          const TelegramSettings& s, const std::string& ca_file) {
  std::unique_ptr<Transport> primary;
  if (auto bin = find_openclaw_binary(getenv_string("PATH").value_or("")))
    primary = std::make_unique<OpenclawTransport>(
        ex, OpenclawOptions{*bin, std::chrono::seconds(30), s.token});
  std::unique_ptr<Transport> fallback;
  if (!s.token.empty())
    fallback = std::make_unique<TelegramTransport>(
        ex, TelegramOptions{s.api_root, s.token, ca_file, std::chrono::seconds(20)});
  return std::make_unique<FallbackTransport>(ex, std::move(primary), std::move(fallback));
}

class OutboxSender final : public Notifier {
 public:
  OutboxSender(boost::asio::any_io_executor ex, State& state, std::function<void()> persist,
               OutboxSenderOptions options, const Clock& clock)
      : ex_(ex),
        state_(state),
        persist_(std::move(persist)),
        options_(std::move(options)),
        clock_(clock),
        timer_(ex),
        rng_(std::random_device{}()) {
    boost::asio::post(ex_, [this] { pump(); });  // deliver what a previous run left behind
  }

  void post(const std::string& text, bool alert) override {
    outbox_enqueue(state_, text, alert, "", clock_.now());
    persist_();
    pump();
  }

  std::string describe() const override {
    return "telegram (openclaw CLI, then Bot API), outbox " + std::to_string(state_.outbox.size());
  }

 private:
  TelegramSettings settings() const {
    Result<boost::json::value> cfg = load_openclaw_json(options_.openclaw_config);
    std::optional<boost::json::value> json;
    if (cfg) json = std::move(*cfg);
    return resolve_telegram(json, options_.target, getenv_string);
  }

  void pump() {
    if (sending_) return;
    TimeMs now = clock_.now();
    const OutboxItem* item = outbox_next_due(state_, now);
    if (!item) {
      TimeMs next = outbox_next_attempt(state_);
      if (next > 0) {
        timer_.expires_after(std::chrono::milliseconds(std::max<TimeMs>(next - now, 10)));
        timer_.async_wait([this](boost::system::error_code ec) {
          if (!ec) pump();
        });
      }
      return;
    }
    TelegramSettings s = settings();
    std::string target = item->target.empty() ? s.target : item->target;
    std::uint64_t seq = item->seq;
    if (target.empty()) {
      finish(seq, SendResult{SendResult::Kind::transient, 0, 0, "",
                             "no Telegram target: set notify.target or openclaw.json"});
      return;
    }
    sending_ = true;
    Transport& t = transport_for(s);
    t.send(target, item->text, !item->alert, [this, seq, token = s.token](SendResult r) {
      sending_ = false;
      r.error = redact_token(r.error, token);
      finish(seq, r);
    });
  }

  void finish(std::uint64_t seq, const SendResult& r) {
    if (r.kind == SendResult::Kind::delivered) {
      spdlog::info("message {} delivered", seq);
    } else if (r.kind == SendResult::Kind::permanent) {
      spdlog::error("message {} dropped after a permanent error: {}", seq, r.error);
    } else {
      spdlog::warn("message {} not delivered, will retry: {}", seq, r.error);
    }
    outbox_on_result(state_, seq, r, clock_.now(), static_cast<std::uint32_t>(rng_()));
    persist_();
    boost::asio::post(ex_, [this] { pump(); });
  }

  Transport& transport_for(const TelegramSettings& s) {
    if (!transport_ || s.token != token_ || s.api_root != api_root_) {
      token_ = s.token;
      api_root_ = s.api_root;
      transport_ = make_transport(ex_, s, options_.ca_file);
    }
    return *transport_;
  }

  boost::asio::any_io_executor ex_;
  State& state_;
  std::function<void()> persist_;
  OutboxSenderOptions options_;
  const Clock& clock_;
  boost::asio::steady_timer timer_;
  std::mt19937 rng_;
  bool sending_ = false;
  std::unique_ptr<Transport> transport_;
  std::string token_, api_root_;
};

}  // namespace

std::unique_ptr<Notifier> make_outbox_sender(boost::asio::any_io_executor ex, State& state,
                                             std::function<void()> persist,
                                             OutboxSenderOptions options, const Clock& clock) {
  return std::make_unique<OutboxSender>(ex, state, std::move(persist), std::move(options), clock);
}

}  // namespace opsd
