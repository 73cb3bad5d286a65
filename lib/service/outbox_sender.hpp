// The durable Notifier: messages go to the persisted outbox (State::outbox) first and leave
// it only when delivered (SPEC §7). Delivery: `openclaw message send`, else the Bot API.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>

#include "service/notifier.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

struct OutboxSenderOptions {
  std::string openclaw_config;  // path of openclaw.json (target, token, apiRoot)
  std::string target;           // configured chat id (--target / notify.target); "" = resolve
  std::string ca_file;          // extra CA to trust for the Bot API ("" = system store)
};

// `state` must outlive the sender; `persist` writes it durably.
std::unique_ptr<Notifier> make_outbox_sender(boost::asio::any_io_executor ex, State& state,
                                             std::function<void()> persist,
                                             OutboxSenderOptions options, const Clock& clock);

}  // namespace opsd
