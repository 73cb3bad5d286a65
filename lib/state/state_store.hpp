// Loading and saving ops-monitor.json (docs/persistence.md): atomic replacement, corrupt files
// moved aside and reported, never silently dropped.
#pragma once

#include <cstddef>
#include <string>

#include "state/file_system.hpp"
#include "state/state.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace opsd {

// Largest state file load_state reads by default; a bigger one is treated as corrupt.
constexpr std::size_t kMaxStateFileBytes = 64 * 1024 * 1024;
// Room per configured job in the read cap (an idle job takes under 1 KiB, a long job with a full
// history a few).
constexpr std::size_t kStateBytesPerJob = 8 * 1024;

// The read cap for a config of `job_count` jobs: max(kMaxStateFileBytes, job_count *
// kStateBytesPerJob). opsd reads and writes with the same cap, so it never writes a file that
// the next start would refuse: save_state() refuses to go over it.
std::size_t state_read_cap(std::size_t job_count);

struct StateLoad {
  State state;                 // fresh State unless the file was read and decoded
  OutboxState outbox;          // the messages still to deliver (empty with a fresh State)
  bool created = false;        // no file existed: first start
  std::string quarantined_to;  // the file was unusable and now lives here (raise an alert)
  std::string error;           // why the file was not used ("" when it was, or created)
  // The file exists but could neither be read nor moved aside (permissions, I/O error).
  // Saving would destroy it: the caller must not save over it (refuse to start).
  bool unsafe_to_save = false;
};

// Missing file -> created. Unparseable JSON, not an object, a `version` other than 1, or a
// file over kMaxStateFileBytes, or values of the wrong type (state/state_shape.hpp) -> renamed to
// "<path>.corrupt-<YYYYmmddTHHMMSSZ>" (with "-N" appended if taken), `quarantined_to` and `error`
// set, fresh State. `now` names the file.
StateLoad load_state(FileSystem& fs, const std::string& path, TimeMs now,
                     std::size_t max_bytes = kMaxStateFileBytes);

// Writes `s` and `outbox` (with saved_at = now) as indented JSON + "\n" by write_file_atomic,
// mode 0600; creates the parent directory with mode 0700 if missing. On error the old file is
// intact. A text over `max_bytes` is not written (an Error naming both sizes). `bytes`, when
// given, receives the size of the text (also when it was too large).
Status save_state(FileSystem& fs, const std::string& path, const State& s,
                  const OutboxState& outbox, TimeMs now, std::size_t max_bytes = kMaxStateFileBytes,
                  std::size_t* bytes = nullptr);

// The text save_state writes for `s` and `outbox`, without I/O.
std::string state_file_text(const State& s, const OutboxState& outbox);

}  // namespace opsd
