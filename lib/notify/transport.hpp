// A way to deliver one message text to one Telegram chat (docs/notifications.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace opsd {

// The outcome of one send attempt; the outbox decides what happens next (outbox.hpp).
struct SendResult {
  enum class Kind {
    delivered,    // Telegram accepted the message
    retry_after,  // rate limited: wait retry_after_seconds, then send the same message again
    transient,    // 5xx, network, timeout, TLS: retry with backoff
    permanent,    // will not succeed as is (blocked, chat not found, bad token): drop it
  };
  Kind kind = Kind::transient;
  int http_status = 0;                   // 0 when no HTTP response was received
  std::int64_t retry_after_seconds = 0;  // for retry_after
  std::string migrate_to_chat_id;        // set when the group moved to a supergroup
  std::string error;                     // human-readable reason; never contains the token
  std::string message_id{};  // delivered new message: the id Telegram gave it ("" = not known)
  bool edit_gone = false;    // permanent: the message to edit was deleted or can't be edited
};

// One request to Telegram: a new message, or a new text for a message sent before.
struct Delivery {
  std::string chat_id{};
  std::string text{};
  bool silent = false;           // without sound (a new message only; edits never ring)
  std::string thread_id;         // forum topic (message_thread_id); "" = the chat itself
  std::string edit_message_id;   // "" = send a new message; else edit this one's text
  bool want_message_id = false;  // a new message whose id will be edited later (a card)
};

inline std::string_view to_string(SendResult::Kind k) {
  switch (k) {
    case SendResult::Kind::delivered:
      return "delivered";
    case SendResult::Kind::retry_after:
      return "retry_after";
    case SendResult::Kind::transient:
      return "transient";
    case SendResult::Kind::permanent:
      return "permanent";
  }
  return "unknown";
}

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `text` to `chat_id`; `silent` sends without sound (routine reports). `done` is
  // called exactly once, on the transport's executor, never from inside send(). The
  // transport must outlive every pending send.
  virtual void send(const std::string& chat_id, const std::string& text, bool silent,
                    std::function<void(SendResult)> done) = 0;
  // As send(), with the topic and, where can_edit(), edits. The default ignores thread_id and
  // is only ever given new messages (the outbox sends a card as a new message instead).
  virtual void deliver(const Delivery& d, std::function<void(SendResult)> done) {
    send(d.chat_id, d.text, d.silent, std::move(done));
  }
  // True when deliver() edits messages and reports the ids of the ones it sends.
  virtual bool can_edit() const { return false; }
};

}  // namespace opsd
