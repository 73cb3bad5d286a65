// Carrying out the engine's actions: processes, probes, signals and messages.
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>

#include "config/job_id.hpp"
#include "engine/card_text.hpp"
#include "engine/message_builder.hpp"
#include "process/child_env.hpp"
#include "process/log_writer.hpp"
#include "process/status_parser.hpp"
#include "service/daemon_impl.hpp"
#include "util/output_tail.hpp"
#include "util/secret_redactor.hpp"

extern char** environ;

namespace opsd {

namespace {

// How much of a one-shot's output the engine sees as its tail (ALERT / ACTION REQUIRED are
// found anywhere in the output by the runner's scanner).
constexpr std::size_t kOutputTailBytes = 4096;

OneShotResult one_shot_result(const CommandOutput& out, std::int64_t timeout_seconds) {
  OneShotResult r;
  r.exit_code = out.exit_code;
  r.timed_out = out.timed_out;
  r.timeout_seconds = timeout_seconds;
  r.duration_ms = out.duration_ms;
  r.markers = out.marker_lines;
  r.marker_count = out.marker_count;
  r.stdout_tail = output_tail(out.stdout_text, kOutputTailBytes);
  r.stderr_tail = out.stderr_tail;
  r.error = out.spawn_error;
  if (!r.error.empty()) r.exit_code = 127;
  return r;
}

std::string path_env() {
  const char* p = std::getenv("PATH");
  return p ? p : "/usr/local/bin:/usr/bin:/bin";
}

// argv with argv[0] resolved against the job's cwd and PATH.
Result<std::vector<std::string>> resolved_argv(const std::vector<std::string>& argv,
                                               const std::string& cwd) {
  if (argv.empty()) return Error{"no command"};
  Result<std::string> exe = resolve_executable(argv[0], cwd, path_env());
  if (!exe) return exe.error();
  std::vector<std::string> out = argv;
  out[0] = *exe;
  return out;
}

}  // namespace

std::string Daemon::log_path(const std::string& job_id) const {
  return opts_.paths.logs_dir + "/" + job_file_stem(job_id) + ".log";
}

std::vector<std::string> Daemon::env_for(const Job& job) const {
  return child_environment(environ, job.id, opts_.paths.state_dir, secrets_);
}

void Daemon::dispatch(Step step, std::shared_ptr<Engine> dry, bool for_tick) {
  std::vector<ReportSection> sections;
  bool alert = false;
  for (Action& action : step.actions) {
    if (auto* n = std::get_if<Notify>(&action)) {
      // A card update goes to a notifier that shows cards; elsewhere it is the message it
      // would have been with notify.progress "messages", if any.
      if (n->card && !dry && !(capture_ && for_tick) && notifier_->can_edit()) {
        post_card(*n);
        continue;
      }
      if (n->card && !n->message) continue;
      alert = alert || n->alert;
      sections.push_back(std::move(n->section));
    } else if (auto* p = std::get_if<LaunchProbe>(&action)) {
      launch_probe(p->job_id, dry, for_tick);
    } else if (dry || shutting_down_) {
      continue;  // a dry run decides without acting; a stopping daemon starts nothing
    } else if (auto* s = std::get_if<LaunchStart>(&action)) {
      launch_start(s->job_id);
    } else if (auto* st = std::get_if<LaunchStop>(&action)) {
      launch_stop(*st);
    } else if (auto* k = std::get_if<KillJob>(&action)) {
      kill_job(*k);
    } else if (auto* o = std::get_if<LaunchOneShot>(&action)) {
      launch_one_shot(*o);
    }
  }
  if (!sections.empty()) {
    if (capture_ && for_tick) {
      capture_->alert = capture_->alert || alert;
      for (auto& s : sections) capture_->sections.push_back(std::move(s));
    } else if (!dry) {
      post_sections(std::move(sections), alert);
    }
  }
  if (!dry) record(step);
}

void Daemon::post_sections(std::vector<ReportSection> sections, bool alert) {
  if (sections.empty()) return;
  const NotifyConfig& notify = engine_->config().notify;
  const std::string header = build_message({}, clock_.now(), notify.locale, clock_);
  std::string body;
  for (const ReportSection& s : sections)
    body += (body.empty() ? "" : "\n\n") + render_section(s, notify.locale);
  spdlog::info("{} message: {} section(s)", alert ? "alert" : "routine", sections.size());
  ++(alert ? metrics_.messages_alert_total : metrics_.messages_routine_total);
  notifier_->post_grouped(header, redact_secrets(body, secrets_), alert,
                          seconds(notify.group_wait_seconds));
}

void Daemon::post_card(const Notify& card) {
  const NotifyConfig& notify = engine_->config().notify;
  const std::string text =
      redact_secrets(render_card(card.section, card.final, clock_.now(), notify.locale,
                                 [this](TimeMs t) { return clock_.local_minute_of_day(t); }),
                     secrets_);
  spdlog::info("card {}: {}", card.section.job_id, card.final ? "final" : "update");
  notifier_->post_card(card.section.job_id, text, card.final, seconds(notify.card_edit_seconds));
}

void Daemon::launch_start(const std::string& job_id) {
  const Job* job = engine_->config().find(job_id);
  if (!job) return;
  Result<std::vector<std::string>> argv = resolved_argv(job->commands.start, job->cwd);
  if (!argv) {
    dispatch(engine_->on_start_launched(job_id, std::nullopt, argv.error().message, clock_.now()));
    return;
  }
  LaunchSpec spec{job_id, *argv, job->cwd, env_for(*job), log_path(job_id), secrets_};
  const auto launched = std::chrono::steady_clock::now();
  Result<std::int64_t> pid = children_->launch(
      spec, [this, job_id, launched](int exit_code) { child_exited(job_id, exit_code, launched); });
  if (!pid) {
    spdlog::warn("job {}: start failed: {}", job_id, pid.error().message);
    dispatch(engine_->on_start_launched(job_id, std::nullopt, pid.error().message, clock_.now()));
    return;
  }
  spdlog::info("job {}: started pid {}", job_id, *pid);
  dispatch(engine_->on_start_launched(job_id, *pid, "", clock_.now()));
  record_identity(job_id, *pid);
}

void Daemon::launch_probe(const std::string& job_id, std::shared_ptr<Engine> dry, bool for_tick) {
  for_tick = for_tick && capture_ != nullptr;
  if (for_tick) capture_->awaiting.insert(job_id);
  const Job* job = engine_->config().find(job_id);
  if (!job || job->commands.status.empty()) {
    if (for_tick) capture_->awaiting.erase(job_id);
    return;
  }
  if (!dry && probes_in_flight_.count(job_id)) {
    if (for_tick) capture_->adopted.insert(job_id);  // its result will serve this request
    return;
  }
  if (!dry) probes_in_flight_.insert(job_id);
  auto finish = [this, job_id, dry, for_tick](const ProbeResult& result) {
    if (!dry) probes_in_flight_.erase(job_id);
    if (shutting_down_) return;
    if (!dry && stale_probes_.erase(job_id)) {
      launch_probe(job_id, nullptr, false);
      return;
    }
    if (!result.report) spdlog::warn("job {}: probe failed: {}", job_id, result.error);
    if (!dry && !result.report) ++metrics_.jobs[job_id].probe_failures_total;
    Engine& target = dry ? *dry : *engine_;
    const bool ours = capture_ != nullptr && capture_->awaiting.count(job_id) > 0 &&
                      (for_tick || (!dry && capture_->adopted.count(job_id) > 0));
    dispatch(target.on_probe_result(job_id, result, clock_.now()), dry, ours);
    if (ours && capture_->awaiting.erase(job_id) && capture_->awaiting.empty() && capture_->wake)
      capture_->wake->cancel();
  };
  Result<std::vector<std::string>> argv = resolved_argv(job->commands.status, job->cwd);
  if (!argv) {
    ProbeResult failed;
    failed.error = "status command: " + argv.error().message;
    asio::post(io_, [finish, failed] { finish(failed); });
    return;
  }
  RunSpec spec;
  spec.argv = *argv;
  spec.cwd = job->cwd;
  spec.env = env_for(*job);
  spec.secrets = secrets_;
  spec.timeout = std::chrono::seconds(job->policy.status_timeout_seconds);
  spec.stdout_cap = 1 << 20;
  runner_->run(std::move(spec),
               [finish](const CommandOutput& out) { finish(probe_result_from(out)); });
}

void Daemon::launch_stop(const LaunchStop& a) {
  const Job* job = engine_->config().find(a.job_id);
  if (job && !job->commands.stop.empty()) {
    Result<std::vector<std::string>> argv = resolved_argv(job->commands.stop, job->cwd);
    if (argv) {
      RunSpec spec;
      spec.argv = *argv;
      spec.cwd = job->cwd;
      spec.env = env_for(*job);
      spec.secrets = secrets_;
      spec.timeout = std::chrono::seconds(job->policy.stop_timeout_seconds);
      spec.log_path = log_path(a.job_id);
      std::string id = a.job_id;
      runner_->run(std::move(spec), [this, id](const CommandOutput& out) {
        if (out.exit_code != 0)
          spdlog::warn("job {}: stop command exited {} {}", id, out.exit_code, out.spawn_error);
        if (shutting_down_) return;
        dispatch_own(Actions{LaunchProbe{id}});
      });
      return;
    }
    spdlog::warn("job {}: stop command unusable: {}", a.job_id, argv.error().message);
  }
  if (children_->owns(a.job_id)) {
    if (Status st = children_->signal_group(a.job_id, SIGTERM); !st)
      spdlog::warn("job {}: SIGTERM failed: {}", a.job_id, st.message());
  } else if (a.pid) {
    if (Status st = signal_pid(*a.pid, SIGTERM); !st)
      spdlog::warn("job {}: SIGTERM to pid {} failed: {}", a.job_id, *a.pid, st.message());
  }
  dispatch_own(Actions{LaunchProbe{a.job_id}});
}

void Daemon::kill_job(const KillJob& a) {
  spdlog::warn("job {}: did not stop in time, sending SIGKILL", a.job_id);
  if (children_->owns(a.job_id)) {
    (void)children_->signal_group(a.job_id, SIGKILL);
  } else if (a.pid) {
    (void)signal_pid(*a.pid, SIGKILL);
  }
  dispatch_own(Actions{LaunchProbe{a.job_id}});
}

void Daemon::launch_one_shot(const LaunchOneShot& a) {
  const Job* job = engine_->config().find(a.job_id);
  if (!job) return;
  std::string id = a.job_id;
  std::string item = a.queue_item_id;
  const bool verify = a.verify;
  // The run's own limit (opsctl run --timeout-seconds) applies to that direct run only.
  std::int64_t limit = job->policy.run_timeout_seconds;
  if (auto it = run_timeouts_.find(id); it != run_timeouts_.end() && item.empty() && !verify) {
    limit = it->second;
    run_timeouts_.erase(it);
  }
  // Every ending goes back to the engine as the kind of run it asked for.
  auto finished = [this, id, item, verify](const OneShotResult& r) {
    if (!verify) {
      JobCounters& c = metrics_.jobs[id];
      c.last_exit_code = r.exit_code;
      c.last_run_at = clock_.now();
      c.last_run_success = r.exit_code == 0 && !r.timed_out;
    }
    if (verify)
      dispatch(engine_->on_verify_finished(id, r, clock_.now()));
    else
      dispatch(engine_->on_one_shot_finished(id, item, r, clock_.now()));
  };
  std::vector<std::string> cmd = verify ? job->commands.verify : job->commands.run;
  Result<std::vector<std::string>> argv = resolved_argv(cmd, job->cwd);
  if (!argv) {
    CommandOutput never;
    never.spawn_error = argv.error().message;
    OneShotResult r = one_shot_result(never, limit);
    asio::post(io_, [finished, r] { finished(r); });
    return;
  }
  RunSpec spec;
  spec.argv = *argv;
  spec.cwd = job->cwd;
  spec.env = env_for(*job);
  spec.secrets = secrets_;
  spec.timeout = std::chrono::seconds(limit);
  spec.log_path = log_path(id);
  spec.stdout_cap = kOutputTailBytes;  // all of it goes to the log; the engine sees the tail
  spec.kill_on_overflow = false;
  spdlog::info("job {}: running {}{}", id, verify ? "commands.verify" : "one-shot",
               item.empty() ? "" : " (queue " + item + ")");
  const bool write = job->kind == JobKind::one_shot_write && !verify;
  one_shots_running_.insert(id);
  if (write) writes_running_.insert(id);
  runner_->run(std::move(spec), [this, finished, limit, id, write](const CommandOutput& out) {
    one_shots_running_.erase(one_shots_running_.find(id));
    if (write) writes_running_.erase(writes_running_.find(id));
    if (shutting_down_) return;
    finished(one_shot_result(out, limit));
  });
}

}  // namespace opsd
