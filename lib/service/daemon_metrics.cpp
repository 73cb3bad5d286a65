// The daemon's metrics endpoint, textfile and heartbeat (lib/metrics), fed from its own state.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "metrics/exposition.hpp"
#include "service/daemon_impl.hpp"
#include "state/file_system.hpp"
#include "version.hpp"

namespace opsd {

std::string Daemon::render_metrics_now() {
  MetricsSnapshot snap{kVersion,         info_.started_at, engine_->config(),     engine_->state(),
                       outbox_->state(), metrics_,         process_stats_.read(), clock_.now()};
  return render_metrics(snap);
}

void Daemon::start_metrics() {
  const MetricsConfig& m = engine_->config().metrics;
  if (!m.listen.empty()) {
    MetricsServerOptions o;
    o.listen = m.listen;
    metrics_server_ =
        std::make_unique<MetricsServer>(io_, o, [this] { return render_metrics_now(); });
    if (Status st = metrics_server_->bind(); !st) {
      spdlog::error("{}; /metrics is off until opsd restarts", st.message());
      metrics_server_.reset();
    } else {
      metrics_server_->start();
      spdlog::info("metrics: serving /metrics and /healthz on {}",
                   metrics_server_->local_address());
    }
  }
  textfile_ = std::make_unique<TextfileWriter>(
      io_.get_executor(), real_file_system(), [this] { return engine_->config().metrics.textfile; },
      [this] { return render_metrics_now(); });
  if (!m.textfile.empty()) (void)textfile_->write_now();
  ping_client_ = std::make_unique<HttpPingClient>(io_.get_executor(), opts_.ca_file);
  HeartbeatHooks hooks;
  hooks.config = [this] { return engine_->config().notify.heartbeat; };
  hooks.verdict = [this] {
    return heartbeat_verdict(engine_->config(), engine_->state(), outbox_->state(), clock_.now());
  };
  hooks.changed = [this] {
    info_.heartbeat = heartbeat_->describe();
    metrics_changed();
  };
  heartbeat_ = std::make_unique<HeartbeatLoop>(io_.get_executor(), *ping_client_,
                                               metrics_.heartbeat, clock_, hooks);
  heartbeat_->start();
  info_.heartbeat = heartbeat_->describe();
}

void Daemon::stop_metrics() {
  if (metrics_server_) metrics_server_->stop();
  if (heartbeat_) heartbeat_->stop();
}

void Daemon::metrics_changed() {
  if (textfile_ && !engine_->config().metrics.textfile.empty()) textfile_->changed();
}

void Daemon::reload_metrics(const MetricsConfig& before) {
  const MetricsConfig& now = engine_->config().metrics;
  if (now.listen != before.listen)
    spdlog::warn("metrics.listen changed to \"{}\": it takes effect when opsd restarts",
                 now.listen);
  if (now.textfile != before.textfile && textfile_) (void)textfile_->write_now();
  if (heartbeat_) {
    heartbeat_->reconfigure();
    info_.heartbeat = heartbeat_->describe();
  }
}

}  // namespace opsd
