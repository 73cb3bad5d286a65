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

}  // namespace opsd
