// The daemon's own alerts, as report sections of the job "opsd" (no job kind). Their words are
// in report_text.hpp; the daemon (service/) decides when to send them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

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
// A reload found `config_file` broken (`why`) and kept the running config.
ReportSection reload_refused_alert(const std::string& why, const std::string& config_file,
                                   std::string_view locale);

}  // namespace opsd
