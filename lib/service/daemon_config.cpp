// The config file (docs/config.md): what opsd runs when ops-jobs.json is broken, the last good
// copy, `opsctl reload`, and edits that apply themselves.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "config/config_loader.hpp"
#include "engine/daemon_alerts.hpp"
#include "service/daemon_impl.hpp"
#include "service/daemon_secrets.hpp"
#include "service/stderr_log.hpp"
#include "state/file_system.hpp"

namespace opsd {

namespace {

// A stat() of the config file this often, beside inotify (a symlinked file, a replaced
// directory); all there is where inotify is not available.
constexpr auto kConfigPollInterval = std::chrono::seconds(5);

std::string joined(const std::vector<std::string>& v, const char* sep, const char* none) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s.empty() ? std::string(none) : s;
}

// Adds one applied difference to `net` (job -> 'a'dded, 'r'emoved, 'c'hanged since a base):
// added then removed is nothing, removed then added is changed.
void accumulate(std::map<std::string, char>& net, const ReloadSummary& diff) {
  for (const std::string& id : diff.added) {
    auto it = net.find(id);
    net[id] = it != net.end() && it->second == 'r' ? 'c' : 'a';
  }
  for (const std::string& id : diff.removed) {
    auto it = net.find(id);
    if (it != net.end() && it->second == 'a')
      net.erase(it);
    else
      net[id] = 'r';
  }
  for (const std::string& id : diff.changed) net.try_emplace(id, 'c');
}

// "reloaded: added a,b; removed -; changed c"
std::string summary_of(const std::map<std::string, char>& net) {
  std::vector<std::string> added, removed, changed;
  for (const auto& [id, what] : net)
    (what == 'a' ? added : what == 'r' ? removed : changed).push_back(id);
  return "reloaded: added " + joined(added, ",", "-") + "; removed " + joined(removed, ",", "-") +
         "; changed " + joined(changed, ",", "-");
}

}  // namespace

void Daemon::turn_off_automatic_starts(Config& config) {
  for (Job& job : config.jobs) job.policy.auto_resume = false;
}

Daemon::ConfigRead Daemon::read_config() {
  ConfigContext ctx{opts_.paths.state_dir, opts_.paths.home, parent_dir(opts_.paths.config_file)};
  std::string text;
  ConfigLoad load = load_config_file(opts_.paths.config_file, ctx, &text);
  ConfigRead out;
  bool read = true;  // load_config_file's one error for a file it could not read says so
  for (const Diagnostic& d : load.diagnostics) {
    if (d.severity == Diagnostic::Severity::warning) {
      spdlog::warn("config {}: {}", opts_.paths.config_file, format_diagnostic(d));
      continue;
    }
    out.errors.push_back(format_diagnostic(d));
    if (d.path.empty() && d.message.rfind("cannot read config file", 0) == 0) read = false;
  }
  if (read) out.text = std::move(text);
  if (load.ok()) {
    out.config = std::move(load.config);
    if (start_decision_.tripped) turn_off_automatic_starts(*out.config);
  }
  return out;
}

Config Daemon::config_at_start() {
  last_good_ = std::make_unique<LastGoodConfig>(
      fs_, parent_dir(opts_.paths.state_file) + "/" + std::string(kLastGoodConfigName));
  config_health_.path = opts_.paths.config_file;
  config_health_.last_good = last_good_->path();
  ConfigRead read = read_config();
  (void)config_policy_.content_changed(read.text);
  if (read.config) {
    if (Status st = last_good_->save(*read.text); !st)
      spdlog::warn("cannot keep a copy of the config: {}", st.message());
    config_policy_.loaded();
    return std::move(*read.config);
  }
  for (const auto& e : read.errors) spdlog::error("config {}: {}", opts_.paths.config_file, e);
  config_health_.ok = false;
  config_health_.errors = read.errors;
  Result<std::optional<std::string>> copy = last_good_->load();
  if (!copy) {
    spdlog::error("the last good config is unusable: {}", copy.error().message);
  } else if (*copy) {
    ConfigContext ctx{opts_.paths.state_dir, opts_.paths.home, parent_dir(opts_.paths.config_file)};
    ConfigLoad load = parse_config(**copy, ctx);
    if (load.ok()) {
      load.config->source_path = last_good_->path();
      if (start_decision_.tripped) turn_off_automatic_starts(*load.config);
      config_health_.running = "last-good";
      print_stderr_error("opsd: invalid config " + opts_.paths.config_file +
                         " (check it with 'opsctl validate-config'); running the last good "
                         "config " +
                         last_good_->path());
      return std::move(*load.config);
    }
    spdlog::error("the last good config {} does not load any more", last_good_->path());
  }
  config_health_.running = "none";
  print_stderr_error("opsd: invalid config " + opts_.paths.config_file +
                     " (check it with 'opsctl validate-config'); no good config is known: "
                     "running no jobs");
  return Config{};
}

void Daemon::reload(std::string& summary, std::optional<RpcError>& error) {
  sd_.notify_reloading();
  ConfigRead read = read_config();
  (void)config_policy_.content_changed(read.text);
  if (!read.config) {
    const std::string why = joined(read.errors, "; ", "");
    spdlog::error("reload refused, keeping the running config: {}", why);
    error = RpcError{Fault::config_error, "config not reloaded (old config kept): " + why};
    config_failed(read);
    update_status("READY=1");
    return;
  }
  apply_config(std::move(read));
  summary = summary_of(unreported_);
  unreported_.clear();
  spdlog::info("{}", summary);
  update_status("READY=1");
}

void Daemon::apply_config(ConfigRead read) {
  if (Status st = last_good_->save(*read.text); !st)
    spdlog::warn("cannot keep a copy of the config: {}", st.message());
  config_policy_.loaded();
  config_health_.ok = true;
  config_health_.errors.clear();
  config_health_.running = "file";
  info_.config = config_health_;
  secrets_ = daemon_secrets(opts_.paths.openclaw_config, system_getenv);
  const MetricsConfig metrics_before = engine_->config().metrics;
  if (held_state_) {
    // Nothing ran so far: the state file's jobs, queue and chains start now, as at a start.
    spdlog::info("config {} loaded: starting its {} jobs", opts_.paths.config_file,
                 read.config->jobs.size());
    ReloadSummary all;
    for (const Job& job : read.config->jobs) all.added.push_back(job.id);
    accumulate(unreported_, all);
    engine_.emplace(std::move(*read.config), std::move(*held_state_));
    held_state_.reset();
    engine_->set_local_time(clock_);
    dispatch(engine_->on_startup(clock_.now()));
    persist_soon();  // the held state, now under this config
  } else {
    ReloadSummary diff = engine_->reload(std::move(*read.config), clock_.now());
    accumulate(unreported_, diff);
    spdlog::info("config {} applied: added {}; removed {}; changed {}", opts_.paths.config_file,
                 joined(diff.added, ",", "-"), joined(diff.removed, ",", "-"),
                 joined(diff.changed, ",", "-"));
    dispatch(std::move(diff));
  }
  reload_metrics(metrics_before);
  // An unchanged job list leaves the state as it was (the engine's step says so): at 100,000
  // jobs writing it anyway was most of the reload.
}

void Daemon::config_failed(const ConfigRead& read) {
  config_health_.ok = false;
  config_health_.errors = read.errors;
  config_health_.running = held_state_ ? "none" : "last-good";
  info_.config = config_health_;
  if (!config_policy_.alert_due(read.errors)) return;
  post_sections({config_invalid_alert(opts_.paths.config_file, read.errors,
                                      held_state_ ? "" : last_good_->path(), opts_.watch_config,
                                      engine_->config().notify.locale)},
                true);
}

void Daemon::start_config_watch() {
  info_.config = config_health_;
  if (!config_health_.ok && config_policy_.alert_due(config_health_.errors))
    post_sections({config_invalid_alert(opts_.paths.config_file, config_health_.errors,
                                        held_state_ ? "" : last_good_->path(), opts_.watch_config,
                                        engine_->config().notify.locale)},
                  true);
  if (!opts_.watch_config) return;
  config_timer_ = std::make_unique<asio::steady_timer>(io_);
  config_watch_ = seams_.file_watch ? seams_.file_watch(io_.get_executor(), opts_.paths.config_file)
                                    : make_file_watch(io_.get_executor(), opts_.paths.config_file,
                                                      kConfigPollInterval);
  config_watch_->start([this] {
    if (shutting_down_) return;
    config_policy_.touched(clock_.now());
    wait_config_quiet(ConfigWatchPolicy::kDebounceMs);
  });
  spdlog::info("watching {} ({})", opts_.paths.config_file, config_watch_->describe());
}

void Daemon::wait_config_quiet(TimeMs delay) {
  config_timer_->expires_after(std::chrono::milliseconds(std::max<TimeMs>(delay, 1)));
  config_timer_->async_wait([this](boost::system::error_code ec) {
    if (ec || shutting_down_) return;
    if (config_policy_.take_read(clock_.now())) {
      check_config_file();
    } else if (std::optional<TimeMs> due = config_policy_.read_due()) {
      wait_config_quiet(*due - clock_.now());
    }
  });
}

void Daemon::check_config_file() {
  ConfigRead read = read_config();
  if (!config_policy_.content_changed(read.text)) return;
  if (read.config) {
    apply_config(std::move(read));
    update_status();
    return;
  }
  spdlog::warn("config {} changed and does not load; keeping the running config: {}",
               opts_.paths.config_file, joined(read.errors, "; ", ""));
  config_failed(read);
}

}  // namespace opsd
