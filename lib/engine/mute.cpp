#include "engine/mute.hpp"

namespace opsd {

bool mute_holds(ReportKind kind, std::string_view status_class) {
  switch (kind) {
    case ReportKind::alert:
    case ReportKind::recovery:
      return false;
    case ReportKind::none:
    case ReportKind::reminder:
      return true;
    case ReportKind::routine:
      return status_class != "completed";
  }
  return true;
}

bool mute_holds_run(const JobRun& run, const JobRun* previous) {
  if (!previous || previous->ok) return false;
  return run.exit_code == previous->exit_code && run.signal == previous->signal &&
         run.timed_out == previous->timed_out && run.markers == previous->markers;
}

}  // namespace opsd
