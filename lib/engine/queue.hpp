// The one-shot queue (docs/engine.md): persisted in State::queue, one item running at a time, items
// wait for their not_before, the last State::kMaxQueue items are kept. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "state/state.hpp"
#include "util/clock.hpp"

namespace opsd {

// Appends a pending item and returns its id ("q-<n>"), dropping the oldest finished items
// beyond State::kMaxQueue. Returns nullopt (nothing added) when kMaxQueue items are still
// pending or running.
std::optional<std::string> enqueue_item(State& state, const std::string& job_id, TimeMs not_before,
                                        const std::string& source, TimeMs now);

bool queue_busy(const State& state);  // an item is running

// The item to start at `now`: the first enqueued pending item whose not_before has come;
// nullptr when one is running or none is due.
QueueItem* next_due_item(State& state, TimeMs now);

// Earliest not_before among pending items while none runs; nullopt otherwise.
std::optional<TimeMs> next_queue_deadline(const State& state);

QueueItem* find_queue_item(State& state, std::string_view id);

void start_item(QueueItem& item, TimeMs now);
// status: "done" (exit 0), "failed" (otherwise); `note` is kept with the item.
void finish_item(QueueItem& item, int exit_code, std::string note, TimeMs now);
void skip_item(QueueItem& item, std::string note, TimeMs now);

// After a daemon restart nothing runs: items left "running" go back to "pending".
void requeue_interrupted(State& state);

}  // namespace opsd
