// Where decided messages go. The daemon hands every message to one Notifier.
#pragma once

#include <ostream>
#include <string>

namespace opsd {

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Accepts one message. A durable notifier has persisted it when this returns.
  virtual void post(const std::string& text, bool alert) = 0;
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
