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

// State::outbox_last_error of a message still being retried starts with this; it is cleared
// when a message is delivered. Permanent failures (outbox_on_result) never start with it.
constexpr std::string_view kRetryingPrefix = "retrying: ";

std::optional<std::string> getenv_string(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

// What one send needs, resolved afresh before each attempt (openclaw.json may change).
struct SendSetup {
  TelegramSettings telegram;
  std::optional<std::string> openclaw_bin;  // the CLI when installed
  std::string config_error;                 // why openclaw.json was not read ("" = read)
  bool silent_routine = true;               // notify.silentRoutine
};

// The openclaw CLI when it is installed, then the Bot API when a token is known.
std::unique_ptr<Transport> make_transport(boost::asio::any_io_executor ex, const SendSetup& s,
                                          const std::string& ca_file) {
  std::unique_ptr<Transport> primary;
  if (s.openclaw_bin)
    primary = std::make_unique<OpenclawTransport>(
        ex, OpenclawOptions{*s.openclaw_bin, std::chrono::seconds(30), s.telegram.token});
  std::unique_ptr<Transport> fallback;
  if (!s.telegram.token.empty())
    fallback = std::make_unique<TelegramTransport>(
        ex,
        TelegramOptions{s.telegram.api_root, s.telegram.token, ca_file, std::chrono::seconds(20)});
  return std::make_unique<FallbackTransport>(ex, std::move(primary), std::move(fallback));
}

// Why nothing can be sent with `s`, or "" when a transport is available.
std::string setup_problem(const SendSetup& s, const std::string& target) {
  std::string why;
  if (target.empty()) {
    why = "no Telegram target: set notify.target, --target or openclaw.json";
  } else if (!s.openclaw_bin && s.telegram.token.empty()) {
    why =
        "no way to send: openclaw CLI not found and no Telegram bot token (set "
        "channels.telegram.botToken or tokenFile in openclaw.json, or TELEGRAM_BOT_TOKEN)";
  }
  if (!why.empty() && !s.config_error.empty()) why += "; openclaw.json " + s.config_error;
  return why;
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
    if (!state_.outbox.empty())
      spdlog::info("outbox: {} message(s) left from a previous run", state_.outbox.size());
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
  SendSetup setup() {
    SendSetup s;
    Result<boost::json::value> cfg = load_openclaw_json(options_.openclaw_config);
    std::optional<boost::json::value> json;
    if (cfg) {
      json = std::move(*cfg);
    } else {
      s.config_error = cfg.error().message;
    }
    NotifyConfig notify = options_.notify ? options_.notify() : NotifyConfig{};
    s.silent_routine = notify.silent_routine;
    s.telegram = resolve_telegram(json, options_.target.empty() ? notify.target : options_.target,
                                  getenv_string);
    s.openclaw_bin = find_openclaw_binary(getenv_string("PATH").value_or(""));
    return s;
  }

  // Sends the head of the outbox when it is due, else waits for it on timer_.
  void pump() {
    if (sending_) return;
    TimeMs now = clock_.now();
    const OutboxItem* item = outbox_next_due(state_, now, &pacer_);
    if (!item) {
      TimeMs next = outbox_next_attempt(state_, &pacer_);
      if (next > 0) {
        timer_.expires_after(std::chrono::milliseconds(std::max<TimeMs>(next - now, 10)));
        timer_.async_wait([this](boost::system::error_code ec) {
          if (!ec) pump();
        });
      }
      return;
    }
    SendSetup s = setup();
    std::string target = item->target.empty() ? s.telegram.target : item->target;
    std::uint64_t seq = item->seq;
    if (std::string why = setup_problem(s, target); !why.empty()) {
      finish(seq, target, SendResult{SendResult::Kind::transient, 0, 0, "", why});
      return;
    }
    sending_ = true;
    pacer_.record_send(item->target, now);
    const bool silent = !item->alert && s.silent_routine;
    spdlog::debug("message {} ({} bytes, {}, {}) to chat {}: attempt {}", seq, item->text.size(),
                  item->alert ? "alert" : "routine", silent ? "silent" : "with sound", target,
                  item->attempts + 1);
    Transport& t = transport_for(s);
    t.send(target, item->text, silent, [this, seq, target, token = s.telegram.token](SendResult r) {
      sending_ = false;
      r.error = redact_token(r.error, token);
      finish(seq, target, r);
    });
  }

  void finish(std::uint64_t seq, const std::string& target, const SendResult& r) {
    const OutboxOutcome outcome =
        outbox_on_result(state_, seq, r, clock_.now(), static_cast<std::uint32_t>(rng_()));
    const std::string chat = target.empty() ? "(none)" : target;
    switch (outcome) {
      case OutboxOutcome::delivered:
        spdlog::info("message {} delivered to chat {}", seq, chat);
        if (state_.outbox_last_error.starts_with(kRetryingPrefix)) state_.outbox_last_error.clear();
        if (options_.on_settled) options_.on_settled(true);
        break;
      case OutboxOutcome::dropped:
        // outbox_on_result names the item's stored chat, which is "" (resolved at send time).
        state_.outbox_last_error =
            "chat " + chat + ": " + (r.error.empty() ? "permanent delivery failure" : r.error);
        spdlog::error("message {} dropped after a permanent error: {}", seq,
                      state_.outbox_last_error);
        if (options_.on_settled) options_.on_settled(false);
        break;
      case OutboxOutcome::retargeted:
        spdlog::warn("message {}: chat {} moved to {}; resending", seq, chat, r.migrate_to_chat_id);
        break;
      case OutboxOutcome::rescheduled:
        note_retry(seq, chat, r);
        break;
      case OutboxOutcome::unknown_seq:
        break;
    }
    persist_();
    boost::asio::post(ex_, [this] { pump(); });
  }

  // Logs a failed attempt and shows it as outbox.lastError while the message waits.
  void note_retry(std::uint64_t seq, const std::string& chat, const SendResult& r) {
    const OutboxItem* item = nullptr;
    for (const OutboxItem& i : state_.outbox)
      if (i.seq == seq) item = &i;
    if (item == nullptr) return;
    const TimeMs wait = std::max<TimeMs>(item->next_attempt_at - clock_.now(), 0);
    const std::string when = "retry in " + std::to_string((wait + 999) / 1000) + " s, attempt " +
                             std::to_string(item->attempts + 1);
    spdlog::warn("message {} to chat {} not delivered ({}): {}", seq, chat, when, r.error);
    state_.outbox_last_error =
        std::string(kRetryingPrefix) + "chat " + chat + ": " + r.error + " (" + when + ")";
  }

  Transport& transport_for(const SendSetup& s) {
    const std::string bin = s.openclaw_bin.value_or("");
    if (!transport_ || s.telegram.token != token_ || s.telegram.api_root != api_root_ ||
        bin != openclaw_bin_) {
      token_ = s.telegram.token;
      api_root_ = s.telegram.api_root;
      openclaw_bin_ = bin;
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
  ChatPacer pacer_;  // at most one message per second per chat (in memory)
  bool sending_ = false;
  std::unique_ptr<Transport> transport_;
  std::string token_, api_root_, openclaw_bin_;  // what transport_ was made for
};

}  // namespace

std::unique_ptr<Notifier> make_outbox_sender(boost::asio::any_io_executor ex, State& state,
                                             std::function<void()> persist,
                                             OutboxSenderOptions options, const Clock& clock) {
  return std::make_unique<OutboxSender>(ex, state, std::move(persist), std::move(options), clock);
}

}  // namespace opsd
