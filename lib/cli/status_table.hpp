// opsctl's human view of a `status` answer: a compact aligned table (docs/control-protocol.md).
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "util/clock.hpp"

namespace opsd {

// One row per job: ID KIND STATE PID PROGRESS ETA MOVED NEXT PROBE "LAST RUN" (PROGRESS is a bar
// and a percentage, "[####------] 42%", when the job has a progressRatio, else a progress
// summary; ETA the time left until etaAt, "-" when unknown); for an answer about one scheduled
// job a line with its schedule and its last and next runs; then one line each for the queue,
// the outbox and pending approvals when they have entries. Columns are aligned by display width
// (a Chinese character takes 2). `max_width` > 0 (the terminal's columns) narrows columns (cells
// cut with "…") and leaves some out, in the order of status_table.cpp's fit_steps, so that the
// lines fit; ID, STATE, PROGRESS and ETA always stay. 0 means no limit (a pipe).
std::string render_status_table(const boost::json::object& status, TimeMs now,
                                std::size_t max_width = 0);

// "done=12 total=120" from a progress object: scalars only, at most `max_keys`, sorted keys;
// longer than 32 display columns: cut with "…" (never inside a character).
std::string progress_summary(const boost::json::value& progress, std::size_t max_keys = 3);

}  // namespace opsd
