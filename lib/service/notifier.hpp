// Where decided messages go. The daemon hands every message to one Notifier.
#pragma once

#include <ostream>
#include <string>

#include "util/clock.hpp"

namespace opsd {

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Accepts one message. A durable notifier has persisted it when this returns.
  virtual void post(const std::string& text, bool alert) = 0;
  // One message of `header` + "\n\n" + `body`; sections posted within `window` ms may join
  // it (notify.groupWaitSeconds). The default posts it alone.
  virtual void post_grouped(const std::string& header, const std::string& body, bool alert,
                            TimeMs /*window*/) {
    post(header + "\n\n" + body, alert);
  }
  // True when post_card shows live cards; otherwise the daemon posts messages instead.
  virtual bool can_edit() const { return false; }
  // The new text of job `key`'s live card (edits at least `edit_interval` ms apart). The
  // default drops it: only called when can_edit().
  virtual void post_card(const std::string& /*key*/, const std::string& /*text*/, bool /*final*/,
                         TimeMs /*edit_interval*/) {}
  // One line for `status` and logs, e.g. "print-only (stdout)".
  virtual std::string describe() const = 0;
};

// `opsd --print-only`: sends nothing, writes each message to `out` followed by a blank line.
class PrintNotifier final : public Notifier {
 public:
  explicit PrintNotifier(std::ostream& out) : out_(out) {}
  void post(const std::string& text, bool alert) override {
    out_ << (alert ? "[alert]\n" : "[routine]\n") << text << "\n\n";
    out_.flush();
  }
  std::string describe() const override { return "print-only (stdout)"; }

 private:
  std::ostream& out_;
};

}  // namespace opsd
