// Sends messages through the OpenClaw CLI: `openclaw message send --channel telegram
// --target T --message M` (docs/notifications.md).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
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

struct OpenclawOptions {
  std::string binary;                        // absolute path (find_openclaw_binary)
  std::chrono::milliseconds timeout{30000};  // the CLI is killed (its process group) after this
  std::string secret;                        // redacted from errors (the bot token), may be ""
};

// Runs the CLI through process/'s CommandRunner: its own process group, stdin on /dev/null,
// stdout read and ignored, never blocking the loop. Exit status 0 -> delivered; anything else
// (non-zero exit, signal, timeout, cannot start) -> transient, error "openclaw ...: <last lines
// of stderr>". `silent` is not passed: the CLI has no such option. Up to 4 sends run at once
// (one child each); more wait in order.
class OpenclawTransport : public Transport {
 public:
  OpenclawTransport(boost::asio::any_io_executor ex, OpenclawOptions opts);
  // Children still running are killed; their callbacks are dropped, not called.
  ~OpenclawTransport() override;
  OpenclawTransport(const OpenclawTransport&) = delete;
  OpenclawTransport& operator=(const OpenclawTransport&) = delete;

  void send(const std::string& chat_id, const std::string& text, bool silent,
            std::function<void(SendResult)> done) override;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace opsd
