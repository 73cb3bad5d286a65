#include "engine/queue.hpp"

#include <algorithm>

namespace opsd {

namespace {

bool active(const QueueItem& i) {
  return i.status == QueueStatus::pending || i.status == QueueStatus::running;
}

void trim_finished(State& state) {
  auto& q = state.queue;
  for (auto it = q.begin(); q.size() > State::kMaxQueue && it != q.end();) {
    if (active(*it))
      ++it;
    else
      it = q.erase(it);
  }
}

}  // namespace

std::optional<std::string> enqueue_item(State& state, const std::string& job_id, TimeMs not_before,
                                        const std::string& source, TimeMs now) {
  auto n_active = std::count_if(state.queue.begin(), state.queue.end(), active);
  if (static_cast<std::size_t>(n_active) >= State::kMaxQueue) return std::nullopt;
  QueueItem item;
  item.id = "q-" + std::to_string(state.next_queue_id++);
  item.job_id = job_id;
  item.enqueued_at = now;
  item.not_before = not_before;
  item.source = source;
  state.queue.push_back(item);
  trim_finished(state);
  return item.id;
}

bool queue_busy(const State& state) {
  return std::any_of(state.queue.begin(), state.queue.end(),
                     [](const QueueItem& i) { return i.status == QueueStatus::running; });
}

QueueItem* next_due_item(State& state, TimeMs now) {
  if (queue_busy(state)) return nullptr;
  for (auto& i : state.queue)
    if (i.status == QueueStatus::pending && i.not_before <= now) return &i;
  return nullptr;
}

std::optional<TimeMs> next_queue_deadline(const State& state) {
  if (queue_busy(state)) return std::nullopt;
  std::optional<TimeMs> best;
  for (const auto& i : state.queue)
    if (i.status == QueueStatus::pending && (!best || i.not_before < *best)) best = i.not_before;
  return best;
}

QueueItem* find_queue_item(State& state, std::string_view id) {
  for (auto& i : state.queue)
    if (i.id == id) return &i;
  return nullptr;
}

void start_item(QueueItem& item, TimeMs now) {
  item.status = QueueStatus::running;
  item.started_at = now;
}

void finish_item(QueueItem& item, int exit_code, std::string note, TimeMs now) {
  item.status = exit_code == 0 ? QueueStatus::done : QueueStatus::failed;
  item.exit_code = exit_code;
  item.finished_at = now;
  item.note = std::move(note);
}

void skip_item(QueueItem& item, std::string note, TimeMs now) {
  item.status = QueueStatus::skipped;
  item.finished_at = now;
  item.note = std::move(note);
}

void requeue_interrupted(State& state) {
  for (auto& i : state.queue)
    if (i.status == QueueStatus::running) {
      i.status = QueueStatus::pending;
      i.started_at = 0;
      i.note = "interrupted by a daemon restart; queued again";
    }
}

}  // namespace opsd
