#include "metrics/heartbeat_loop.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>

#include "util/time_format.hpp"

namespace opsd {

class HeartbeatLoop::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(boost::asio::any_io_executor ex, PingClient& client, HeartbeatCounters& counters,
       const Clock& clock, HeartbeatHooks hooks, std::chrono::milliseconds tick)
      : timer_(ex),
        client_(client),
        counters_(counters),
        clock_(clock),
        hooks_(std::move(hooks)),
        tick_(tick) {}

  void start() {
    active_ = hooks_.config();
    if (!active_.url.empty()) schedule(std::chrono::milliseconds(0));
  }

  void reconfigure() {
    HeartbeatConfig now = hooks_.config();
    if (now == active_) return;
    active_ = now;
    timer_.cancel();
    ++generation_;
    if (!active_.url.empty()) schedule(std::chrono::milliseconds(0));
  }

  void stop() {
    stopped_ = true;
    timer_.cancel();
  }

  std::string describe() const {
    if (active_.url.empty()) return "";
    const std::string where = redact_url(active_.url);
    if (counters_.pings_total == 0) return "pending (" + where + ")";
    if (!counters_.last_error.empty()) return "failing: " + counters_.last_error;
    return std::string(counters_.last_was_fail ? "/fail sent" : "ok") + " at " +
           iso8601_utc(counters_.last_success_at) + " (" + where + ")";
  }

 private:
  void schedule(std::chrono::milliseconds delay) {
    if (stopped_) return;
    timer_.expires_after(delay);
    timer_.async_wait([self = shared_from_this(), g = generation_](boost::system::error_code ec) {
      if (ec || self->stopped_ || g != self->generation_) return;
      self->ping();
    });
  }

  void ping() {
    const HeartbeatVerdict v = hooks_.verdict();
    const std::string url = v.fail ? fail_url(active_.url) : active_.url;
    if (v.fail != failing_) {
      if (v.fail)
        spdlog::warn("heartbeat: pinging /fail: {}", v.reason);
      else
        spdlog::info("heartbeat: no unresolved alert, pinging the check's URL again");
      failing_ = v.fail;
    }
    ++counters_.pings_total;
    const auto every = tick_ * std::max<std::int64_t>(1, active_.every_seconds);
    client_.ping(url,
                 [self = shared_from_this(), g = generation_, fail = v.fail, every](PingResult r) {
                   if (self->stopped_) return;
                   self->record(r, fail);
                   if (g == self->generation_) self->schedule(every);
                 });
  }

  void record(const PingResult& r, bool fail) {
    const std::string where = redact_url(active_.url) + (fail ? " (/fail)" : "");
    if (r.ok) {
      counters_.last_success_at = clock_.now();
      counters_.last_was_fail = fail;
      if (!counters_.last_error.empty()) spdlog::info("heartbeat: {} answered again", where);
      counters_.last_error.clear();
    } else {
      ++counters_.failures_total;
      counters_.last_error = where + ": " + r.error + " at " + iso8601_utc(clock_.now());
      spdlog::warn("heartbeat: ping to {} failed: {}", where, r.error);
    }
    if (hooks_.changed) hooks_.changed();
  }

  boost::asio::steady_timer timer_;
  PingClient& client_;
  HeartbeatCounters& counters_;
  const Clock& clock_;
  HeartbeatHooks hooks_;
  std::chrono::milliseconds tick_;
  HeartbeatConfig active_;
  std::uint64_t generation_ =
      0;  // bumped by reconfigure: older timers and answers reschedule nothing
  bool failing_ = false;
  bool stopped_ = false;
};

HeartbeatLoop::HeartbeatLoop(boost::asio::any_io_executor ex, PingClient& client,
                             HeartbeatCounters& counters, const Clock& clock, HeartbeatHooks hooks,
                             std::chrono::milliseconds tick)
    : impl_(
          std::make_shared<Impl>(std::move(ex), client, counters, clock, std::move(hooks), tick)) {}

HeartbeatLoop::~HeartbeatLoop() { impl_->stop(); }
void HeartbeatLoop::start() { impl_->start(); }
void HeartbeatLoop::reconfigure() { impl_->reconfigure(); }
void HeartbeatLoop::stop() { impl_->stop(); }
std::string HeartbeatLoop::describe() const { return impl_->describe(); }

}  // namespace opsd
