// Keeping the state on disk, and the event loop cheap, while probes finish by the thousand:
// coalesced writes, acknowledged changes written before the reply, one re-arm per burst.
#include <cstdlib>  // defines __GLIBC__ on glibc, which the next line tests
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/daemon_alerts.hpp"
#include "service/daemon_impl.hpp"
#include "state/file_system.hpp"
#include "state/state_store.hpp"

namespace opsd {

namespace {

// A burst of unacknowledged changes (probe results, child exits) is written once, this long
// after its first change; a write that took longer stretches the gap to kWriteCostFactor times
// its cost, so that writing a large state stays a small share of the time.
constexpr auto kPersistDelay = std::chrono::milliseconds(100);
constexpr int kWriteCostFactor = 9;
// The tick timer is re-armed this long after an engine call, or kRearmCostFactor times what the
// last re-arm cost when that is longer (finding the next deadline visits every job).
constexpr auto kRearmDelay = std::chrono::milliseconds(10);
constexpr int kRearmCostFactor = 20;
// Freed heap goes back to the system at most this often (and this long after a write/request).
constexpr auto kReleaseDelay = std::chrono::seconds(1);

// Methods that change nothing: their replies acknowledge no change, so they wait for no write.
bool read_only_method(const std::string& m) {
  return m == "status" || m == "version" || m == "logs";
}

}  // namespace

std::string Daemon::persist() {
  persist_pending_ = false;
  persist_timer_.cancel();
  auto started = std::chrono::steady_clock::now();
  const std::size_t cap = state_read_cap(engine_->config().jobs.size());
  std::size_t bytes = 0;
  Status st = save_state(fs_, opts_.paths.state_file, held_state_ ? *held_state_ : engine_->state(),
                         outbox_->state(), clock_.now(), cap, &bytes);
  last_write_cost_ = std::chrono::steady_clock::now() - started;
  release_memory_soon();
  warn_state_size(bytes, cap);
  last_persist_error_ = st ? "" : st.message();
  if (!st) {
    spdlog::error("cannot save state {}: {}", opts_.paths.state_file, st.message());
    if (!state_write_failed_) {
      state_write_failed_ = true;
      post_sections({state_not_saved_alert(opts_.paths.state_file, st.message(),
                                           engine_->config().notify.locale)},
                    true);
    }
  } else if (state_write_failed_) {
    state_write_failed_ = false;
    flush_audit();
    spdlog::warn("state {} saved again", opts_.paths.state_file);
    post_sections(
        {state_saved_again_alert(opts_.paths.state_file, engine_->config().notify.locale)}, true);
  }
  return last_persist_error_;
}

void Daemon::warn_state_size(std::size_t bytes, std::size_t cap) {
  // Alerted once when the file passes half of its cap; again after it fell below 40 %.
  if (state_size_warned_ && bytes * 10 < cap * 4) state_size_warned_ = false;
  if (state_size_warned_ || bytes * 2 <= cap) return;
  state_size_warned_ = true;
  const std::string what = "the state file is " + std::to_string(bytes >> 20) +
                           " MiB, over half of the " + std::to_string(cap >> 20) +
                           " MiB that opsd reads at start";
  spdlog::warn("{}", what);
  post_sections({state_large_alert(opts_.paths.state_file, bytes, cap,
                                   engine_->config().jobs.size(), engine_->config().notify.locale)},
                true);
}

void Daemon::persist_soon() {
  if (persist_pending_) return;
  persist_pending_ = true;
  // A forced tick writes everything it changed before its reply (handle_durably), once; writing
  // the whole state every kPersistDelay meanwhile only stalled the loop between its probes.
  if (capture_) return;
  persist_timer_.expires_after(std::max<std::chrono::steady_clock::duration>(
      kPersistDelay, last_write_cost_ * kWriteCostFactor));
  persist_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec && persist_pending_) persist();
  });
}

asio::awaitable<ParsedResponse> Daemon::handle_durably(const Request& req, const PeerCred& peer) {
  check_clock_step();
  audit_error_.clear();
  ParsedResponse response = co_await handle(req, peer);
  std::string not_saved;
  if (persist_pending_ && !read_only_method(req.method)) {
    persist();
    if (!last_persist_error_.empty())
      not_saved = opts_.paths.state_file + ": " + last_persist_error_;
  }
  if (!audit_error_.empty())
    not_saved += (not_saved.empty() ? "" : "; ") + opts_.paths.audit_log + ": " + audit_error_;
  release_memory_soon();
  // An acknowledged change is on disk; one that is not is answered as a failure.
  if (!not_saved.empty() && !response.error && !read_only_method(req.method))
    response = ParsedResponse::failure(
        Fault::internal_error,
        req.method + " took effect in memory but was not saved (" + not_saved +
            "); it is lost if opsd stops before a later write succeeds: free disk space");
  co_return response;
}

void Daemon::release_memory_soon() {
  if (release_pending_ || shutting_down_) return;
  release_pending_ = true;
  release_timer_.expires_after(kReleaseDelay);
  release_timer_.async_wait([this](boost::system::error_code ec) {
    release_pending_ = false;
#if defined(__GLIBC__)
    if (!ec) ::malloc_trim(0);
#else
    (void)ec;
#endif
  });
}

void Daemon::arm_timer_soon() {
  if (rearm_pending_ || shutting_down_) return;
  rearm_pending_ = true;
  rearm_timer_.expires_after(std::max<std::chrono::steady_clock::duration>(
      kRearmDelay, last_rearm_cost_ * kRearmCostFactor));
  rearm_timer_.async_wait([this](boost::system::error_code ec) {
    rearm_pending_ = false;
    if (ec) return;
    auto started = std::chrono::steady_clock::now();
    arm_timer();
    update_status();
    last_rearm_cost_ = std::chrono::steady_clock::now() - started;
  });
}

}  // namespace opsd
