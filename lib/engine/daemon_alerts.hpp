// The daemon's own alerts, as report sections of the job "opsd" (no job kind). Their words are
// in report_text.hpp; the daemon (service/) decides when to send them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.hpp"

namespace opsd {

// The 5th unclean start within the crash guard's window: automatic starts are off.
ReportSection crash_loop_alert(int unclean_starts, int window_minutes, std::string_view locale);
// The state file could not be used and was moved to `quarantined_to`.
ReportSection state_corrupt_alert(const std::string& error, const std::string& quarantined_to,
                                  std::string_view locale);
// Writing `state_file` failed (full disk, permissions): the last good state is kept.
ReportSection state_not_saved_alert(const std::string& state_file, const std::string& error,
                                    std::string_view locale);
// Writing `state_file` works again after state_not_saved_alert.
ReportSection state_saved_again_alert(const std::string& state_file, std::string_view locale);
// The state file is `bytes` long, over half of the `cap` that the next start reads.
ReportSection state_large_alert(const std::string& state_file, std::size_t bytes, std::size_t cap,
                                std::size_t jobs, std::string_view locale);
// `config_file` failed to load (at start, on a reload or after an edit) with `errors`
// (formatted diagnostics, each with its JSON path). `last_good` is the copy of the last good
// config that opsd runs instead ("" = none: it runs no jobs); `watched`: a fixed file applies
// when saved (else the action says to run 'opsctl reload').
ReportSection config_invalid_alert(const std::string& config_file,
                                   const std::vector<std::string>& errors,
                                   const std::string& last_good, bool watched,
                                   std::string_view locale);

}  // namespace opsd
