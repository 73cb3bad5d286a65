// When a long job's live card changes (notify.progress "card", docs/notifications.md). Pure.
#pragma once

#include <optional>
#include <string>

#include "config/config.hpp"
#include "engine/engine.hpp"
#include "engine/report_policy.hpp"
#include "state/state.hpp"

namespace opsd {

// True when the job's run is over: its card shows the final state and closes.
bool card_final(const JobRuntime& rt);

// When the job's current run began: the newest transition into starting or running from a
// state that is neither (0 = not in the history).
TimeMs run_started_at(const JobRuntime& rt);

// The card update for `s` (the job's section now, with `digest` its report_digest), or
// nullopt when nothing is to be shown: `shown` (the digest the card shows, updated here) is
// the same and no report was decided (`kind` none), or it is quiet hours and `kind` is none.
// The update's `message` is whether `kind` is a routine report (what a notifier that cannot
// edit sends instead, so the section stays the message's section); the card's own fields
// (started_at, progress_ratio) are filled in.
std::optional<Notify> card_update(const JobRuntime& rt, ReportSection s, const std::string& digest,
                                  ReportKind kind, bool quiet, std::string& shown);

}  // namespace opsd
