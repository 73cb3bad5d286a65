// When opsd reads ops-jobs.json again after it was touched, and whether a config that fails to
// load is news (docs/config.md, "Edits apply themselves"). Pure: times come in as arguments.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/clock.hpp"

namespace opsd {

class ConfigWatchPolicy {
 public:
  // How long the file must stay untouched before it is read (ms): an editor's save is several
  // events (truncate, writes, close; or create, write, rename), read once when they are over.
  static constexpr TimeMs kDebounceMs = 300;

  explicit ConfigWatchPolicy(TimeMs debounce_ms = kDebounceMs) : debounce_ms_(debounce_ms) {}

  // The file was touched at `now`: a read is due once it stays untouched for the debounce time.
  void touched(TimeMs now) { due_at_ = now + debounce_ms_; }
  // When the pending read is due; nullopt when none is pending.
  std::optional<TimeMs> read_due() const { return due_at_; }
  // True when a read is pending and due at `now`; it is then no longer pending.
  bool take_read(TimeMs now);

  // What a read found (nullopt: the file could not be read). True when it differs from what
  // the previous call saw: only a change is loaded and applied or alerted.
  bool content_changed(const std::optional<std::string>& text);

  // A load failed with `errors` (formatted diagnostics, in the loader's order): true when they
  // are not the set alerted last since the last good load. The same errors again are no news;
  // a config fixed and then broken again is.
  bool alert_due(const std::vector<std::string>& errors);
  // A config loaded: the next failure alerts whatever it is.
  void loaded() { alerted_.reset(); }

 private:
  TimeMs debounce_ms_;
  std::optional<TimeMs> due_at_;
  bool seen_any_ = false;
  // What the last read saw: nullopt (unreadable) or the bytes' size and hash (the text itself
  // is not kept: a large config would be held twice).
  std::optional<std::pair<std::size_t, std::size_t>> seen_;
  std::optional<std::vector<std::string>> alerted_;
};

}  // namespace opsd
