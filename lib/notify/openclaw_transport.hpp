// Sends messages through the OpenClaw CLI: `openclaw message send --channel telegram
// --target T --message M` (docs/notifications.md).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "notify/transport.hpp"

namespace opsd {

// Where the CLI is looked for after PATH.
inline const std::vector<std::string> kOpenclawFallbackPaths = {"/opt/homebrew/bin/openclaw",
                                                                "/usr/local/bin/openclaw"};

// The first executable regular file named `openclaw` in the ':'-separated `path_env`
// (empty entries skipped), else in `fallbacks`; nullopt when there is none.
std::optional<std::string> find_openclaw_binary(
    const std::string& path_env,
    const std::vector<std::string>& fallbacks = kOpenclawFallbackPaths);

// The id in the output of `openclaw message send --json`: the first "messageId" or
// "message_id" in the first JSON object printed (log lines around it are skipped) that has
// one; "" when there is none.
std::string openclaw_message_id(std::string_view stdout_text);

// `binary message send --channel telegram --target T --message M [--thread-id N] [--silent]
// [--json]` (--json when d.want_message_id), or for an edit `binary message edit --channel
// telegram --target T --message-id ID --message M [--thread-id N]`.
std::vector<std::string> openclaw_argv(const std::string& binary, const Delivery& d);

struct OpenclawOptions {
  std::string binary;                        // absolute path (find_openclaw_binary)
  std::chrono::milliseconds timeout{30000};  // the CLI is killed (its process group) after this
  std::string secret;                        // redacted from errors (the bot token), may be ""
};

// Runs the CLI (openclaw_argv) through process/'s CommandRunner: its own process group, stdin
// on /dev/null, never blocking the loop. Exit status 0 -> delivered (with the message id its
// --json output names); anything else (non-zero exit, signal, timeout, cannot start) ->
// transient, error "openclaw ...: <last lines of stderr>", except that for an edit a stderr
// saying "message is not modified" is delivered and "message to edit not found" / "message
// can't be edited" is permanent with edit_gone. Up to 4 sends run at once (one child each);
// more wait in order.
class OpenclawTransport : public Transport {
 public:
  OpenclawTransport(boost::asio::any_io_executor ex, OpenclawOptions opts);
  // Children still running are killed; their callbacks are dropped, not called.
  ~OpenclawTransport() override;
  OpenclawTransport(const OpenclawTransport&) = delete;
  OpenclawTransport& operator=(const OpenclawTransport&) = delete;

  void send(const std::string& chat_id, const std::string& text, bool silent,
            std::function<void(SendResult)> done) override;
  void deliver(const Delivery& d, std::function<void(SendResult)> done) override;
  bool can_edit() const override { return true; }

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace opsd
