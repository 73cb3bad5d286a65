// Rate and ETA of a long job (docs/status-contract.md, "Ratio, rate and ETA"): the ratio read
// from each status report's `progress`, a rate over the recent window of readings, and the time
// the job will be done at that rate. Pure: readings and `now` in, an estimate out.
//
// Use: the engine calls record_progress() on every good probe; the result is in
// JobRuntime::progress_history.estimate (status --json: progressRatio, ratePerSecond, etaAt;
// reports; the live card). estimate_progress() computes the same from any recorded sequence.
#pragma once

#include <deque>
#include <optional>
#include <string_view>

#include "config/config.hpp"
#include "engine/status_report.hpp"
#include "state/progress_history.hpp"
#include "util/clock.hpp"

namespace opsd {

// The rate is measured over this much of the most recent history (or all of it when shorter).
constexpr TimeMs kRateWindow = seconds(600);
// Within the window, a total that moved by more than this fraction makes the ETA unknown.
constexpr double kTotalTolerance = 0.10;
// An ETA further away than this is unknown (a rate this small says nothing useful).
constexpr TimeMs kMaxEtaAhead = seconds(366LL * 24 * 3600);

// The reading in a `progress` object (JSON text), seen at `at`: with `keys` set, those keys
// (a dotted path walks nested objects); otherwise the first of done, processed, completed,
// current, scanned, finished, count that sits beside a `total`, else percent, pct or percentage
// (0-100; a trailing "%" allowed). Values are non-negative numbers or numeric strings; a total
// must be > 0. nullopt when there is no such reading.
std::optional<ProgressSample> read_progress(std::string_view progress_json,
                                            const ProgressKeys& keys, TimeMs at);

// Records `reading` (nullopt: this report has no ratio, the history is cleared) and sets
// h.estimate as of `now`. A reading whose `done` went back (a job that started over) starts a
// new history; an unchanged one adds no sample. Bounded: ProgressHistory::kMaxSamples, and
// samples older than the window are dropped once a newer one can stand for the window's start.
void record_progress(ProgressHistory& h, const std::optional<ProgressSample>& reading, TimeMs now);

// What one good status report adds, read with `keys`: recorded as above while the report says
// the job runs; a report saying it does not run clears the readings and keeps only the ratio.
void record_report_progress(ProgressHistory& h, const StatusReport& r, const ProgressKeys& keys,
                            TimeMs now);

// The estimate at `now` from readings oldest first (each a change, as record_progress keeps
// them; the value of a reading holds until the next one):
// - ratio: newest done / total, clamped to [0, 1];
// - rate: done gained over the last kRateWindow (the value at its start is the reading in force
//   then), or since the first reading when the history is shorter; unknown with one reading
//   younger than the window; 0 when nothing moved for a whole window;
// - eta: now + (total - done) / rate; unknown when the rate is unknown or 0, nothing is left,
//   the total moved by more than kTotalTolerance within the window, or it is beyond kMaxEtaAhead.
ProgressEstimate estimate_progress(const std::deque<ProgressSample>& samples, TimeMs now);

}  // namespace opsd
