// The engine's public calls: each returns its decision with what it recorded (Step).
#include <utility>

#include "engine/engine.hpp"

namespace opsd {

template <class R>
R Engine::sealed(R r) {
  r.audit = std::exchange(audit_, {});
  r.state_changed = std::exchange(dirty_, false);
  return r;
}

Step Engine::sealed(Actions actions) {
  Step step;
  step.actions = std::move(actions);
  return sealed(std::move(step));
}

Step Engine::on_startup(TimeMs now) { return sealed(decide_startup(now)); }

Step Engine::on_timer(TimeMs now) { return sealed(decide_timer(now)); }

Step Engine::on_probe_result(const std::string& job_id, const ProbeResult& result, TimeMs now) {
  return sealed(decide_probe_result(job_id, result, now));
}

Step Engine::on_start_launched(const std::string& job_id, std::optional<std::int64_t> pid,
                               const std::string& error, TimeMs now) {
  return sealed(decide_start_launched(job_id, pid, error, now));
}

Step Engine::on_child_exited(const std::string& job_id, int exit_code, TimeMs now) {
  return sealed(decide_child_exited(job_id, exit_code, now));
}

Step Engine::on_one_shot_finished(const std::string& job_id, const std::string& queue_item_id,
                                  int exit_code, const std::string& output_tail, TimeMs now) {
  return sealed(decide_one_shot_finished(job_id, queue_item_id, exit_code, output_tail, now));
}

Step Engine::on_verify_finished(const std::string& job_id, int exit_code,
                                const std::string& output_tail, TimeMs now) {
  return sealed(decide_verify_finished(job_id, exit_code, output_tail, now));
}

Step Engine::on_child_exited(const std::string& job_id, const ExitInfo& exit, TimeMs now) {
  return sealed(decide_child_exited(job_id, exit, now));
}

Step Engine::on_one_shot_finished(const std::string& job_id, const std::string& queue_item_id,
                                  const OneShotResult& result, TimeMs now) {
  return sealed(decide_one_shot_finished(job_id, queue_item_id, result, now));
}

Step Engine::on_verify_finished(const std::string& job_id, const OneShotResult& result,
                                TimeMs now) {
  return sealed(decide_verify_finished(job_id, result, now));
}

Step Engine::request_tick(TimeMs now) { return sealed(decide_tick(now)); }

Step Engine::on_shutdown(TimeMs now) { return sealed(decide_shutdown(now)); }

Outcome Engine::request_start(const std::string& job_id, bool allow_risk, TimeMs now) {
  return sealed(decide_start(job_id, allow_risk, now));
}

Outcome Engine::request_stop(const std::string& job_id, TimeMs now) {
  return sealed(decide_stop(job_id, now));
}

Outcome Engine::request_run(const std::string& job_id, TimeMs now) {
  return request_run(job_id, now, -1);
}

Outcome Engine::request_run(const std::string& job_id, TimeMs now, std::int64_t uid) {
  return sealed(decide_run(job_id, now, uid));
}

Outcome Engine::request_enqueue(const std::string& job_id, TimeMs not_before,
                                const std::string& source, TimeMs now) {
  return sealed(decide_enqueue(job_id, not_before, source, now));
}

Outcome Engine::request_approve(const std::string& job_id, TimeMs ttl_ms, std::int64_t uid,
                                const std::string& note, TimeMs now) {
  return sealed(decide_approve(job_id, ttl_ms, uid, note, now));
}

Outcome Engine::request_mute(const std::string& job_id, TimeMs until, const std::string& note,
                             std::int64_t uid, TimeMs now) {
  return sealed(decide_mute(job_id, until, note, uid, now));
}

Outcome Engine::request_unmute(const std::string& job_id, std::int64_t uid, TimeMs now) {
  return sealed(decide_unmute(job_id, uid, now));
}

ReloadSummary Engine::reload(Config config, TimeMs now) {
  return sealed(decide_reload(std::move(config), now));
}

}  // namespace opsd
