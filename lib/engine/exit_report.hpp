// What a report says about how a process ended (zh/en): a long job's crash or completion, a
// one-shot run's result. Pure text builders for the engine; every text of issue 14 is here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "engine/engine.hpp"
#include "engine/exit_info.hpp"
#include "state/state.hpp"

namespace opsd {

// Bytes of a crashed job's log tail in its alert (the message is split at 4096 anyway).
constexpr std::size_t kMaxLogTailInReport = 1200;

// "exit 3", or the signal's name ("SIGKILL").
std::string exit_name(const std::optional<int>& code, int signal);

// The ExitRecord of an owned child's exit at `now` (not judged yet).
ExitRecord exit_record_of(const ExitInfo& info, TimeMs now);

// The alert of a long job that exited while not completed: the exit, its run time, the last
// lines of its log, and what happens next, read from rt after the resume decision (starting:
// resumed; backoff: resuming in N s; given_up; anything else: paused until `opsctl start`).
ReportSection crash_section(const Job& job, const JobRuntime& rt, const ExitRecord& e, TimeMs now,
                            const std::string& locale);

// "took 5m 12s" for a job whose process ended completed.
std::string completion_note(const ExitRecord& e, const std::string& locale);

// A one-shot's record. ok: exit 0, not timed out, no marker.
JobRun run_record_of(const OneShotResult& r, std::uint64_t number, std::string source,
                     TimeMs started_at, TimeMs now);

// The report's status line of a run: "done (exit=0) in 0.4s", "failed (exit=4) in 1.2s",
// "timed out after 2s (killed)", "killed by SIGKILL after 3s", "did not run".
std::string run_state_line(const JobRun& r, std::int64_t timeout_seconds);

// The output the engine searches and quotes: the end of stdout, stderr and why it did not run
// or was killed (at most ~kMaxOutputInReport bytes), preceded by the matching lines (each at
// most 300 bytes) unless they are all within that end already.
std::string run_output_text(const OneShotResult& r);

}  // namespace opsd
