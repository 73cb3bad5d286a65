// The durable Notifier: messages go to the persisted outbox (State::outbox) first and leave
// it only when delivered (SPEC §7). Delivery: `openclaw message send`, else the Bot API.
// One message is in flight at a time, in outbox order, at most one per second per chat;
// failures follow outbox_on_result (notify/outbox.hpp). While a message is being retried
// State::outbox_last_error reads "retrying: chat <id>: <error> (retry in N s, attempt k)" and
// is cleared by the next delivery; a dropped message leaves "chat <id>: <error>".
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "service/notifier.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

struct OutboxSenderOptions {
  std::string openclaw_config;  // path of openclaw.json (target, token, apiRoot)
  std::string target;           // --target chat id; "" = notify.target, then openclaw.json
  std::string ca_file;          // extra CA to trust for the Bot API ("" = system store)
  // The current `notify` block (follows reloads), read before each attempt: notify.target
  // when `target` is "", and notify.silentRoutine. Unset = defaults (no target, silent).
  std::function<NotifyConfig()> notify;
  // Called once per message that leaves the outbox: true = delivered, false = dropped after a
  // permanent error (for the opsd_outbox_*_total metrics). Unset = nobody is told.
  std::function<void(bool delivered)> on_settled;
};

// `state` must outlive the sender; `persist` writes it durably.
std::unique_ptr<Notifier> make_outbox_sender(boost::asio::any_io_executor ex, State& state,
                                             std::function<void()> persist,
                                             OutboxSenderOptions options, const Clock& clock);

}  // namespace opsd
