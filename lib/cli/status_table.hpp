// opsctl's human view of a `status` answer: a compact aligned table (docs/control-protocol.md).
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "util/clock.hpp"

namespace opsd {

// One row per job (id, state, pid, progress summary, last progress age, next scheduled run,
// probe health); for an answer about one scheduled job a line with its schedule and its last
// and next runs; then one line each for the queue, the outbox and pending approvals when they
// have entries. Columns are aligned by display width (a Chinese character takes 2).
// `max_width` > 0 (the terminal's columns) narrows the widest columns and cuts their cells with
// "…" so that the lines fit, as far as the columns' floors allow; 0 means no limit (a pipe).
std::string render_status_table(const boost::json::object& status, TimeMs now,
                                std::size_t max_width = 0);

// "done=12 total=120" from a progress object: scalars only, at most `max_keys`, sorted keys;
// longer than 32 display columns: cut with "…" (never inside a character).
std::string progress_summary(const boost::json::value& progress, std::size_t max_keys = 3);

}  // namespace opsd
