#include "engine/card_report.hpp"

#include "engine/card_text.hpp"

namespace opsd {
namespace {

bool active(JobState s) {
  return s == JobState::starting || s == JobState::running || s == JobState::stalled;
}

}  // namespace

bool card_final(const JobRuntime& rt) {
  return rt.completed || rt.state == JobState::completed || rt.state == JobState::stopped ||
         rt.state == JobState::failed || rt.state == JobState::given_up;
}

TimeMs run_started_at(const JobRuntime& rt) {
  for (auto it = rt.history.rbegin(); it != rt.history.rend(); ++it) {
    if (active(it->to) && !active(it->from)) return it->at;
  }
  return 0;
}

std::optional<Notify> card_update(const JobRuntime& rt, ReportSection s, const std::string& digest,
                                  ReportKind kind, bool quiet, std::string& shown) {
  if (kind == ReportKind::none && (quiet || digest == shown)) return std::nullopt;
  shown = digest;
  Notify n;
  n.card = true;
  n.message = kind == ReportKind::routine;
  n.final = card_final(rt);
  s.started_at = run_started_at(rt);
  // Ratio, rate and ETA of the job's recent probes (engine/progress_rate.hpp).
  const ProgressEstimate& e = rt.progress_history.estimate;
  if (!s.progress_ratio) s.progress_ratio = e.ratio;
  if (!s.rate_per_second) s.rate_per_second = e.rate_per_second;
  if (!s.eta_at) s.eta_at = e.eta;
  n.section = std::move(s);
  return n;
}

}  // namespace opsd
