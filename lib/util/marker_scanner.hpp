// Finds the lines of a command's output that ask for a person ("ALERT", "ACTION REQUIRED"),
// anywhere in a stream of any length, in bounded memory. Pure, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace opsd {

// The markers a one-shot's output is searched for (case-sensitive, anywhere in a line).
inline constexpr std::string_view kMarkerAlert = "ALERT";
inline constexpr std::string_view kMarkerActionRequired = "ACTION REQUIRED";
// Matching lines a command's result quotes (CommandOutput::marker_lines).
inline constexpr std::size_t kMarkerLinesKept = 3;

// Fed the output in chunks as it arrives, cut anywhere (even inside a marker or a UTF-8
// sequence); keeps the first `max_lines` matching lines, each cut to its first `max_line_bytes`.
// Memory: max_lines * max_line_bytes plus the current line's first max_line_bytes.
class MarkerScanner {
 public:
  explicit MarkerScanner(std::size_t max_lines = kMarkerLinesKept,
                         std::size_t max_line_bytes = 300);

  void feed(std::string_view chunk);
  // The stream ended: a last line without a newline counts too.
  void finish();

  // Matching lines in output order, without their newline (and without a trailing '\r').
  const std::vector<std::string>& matches() const { return matches_; }
  // Matching lines seen, including those not kept.
  std::size_t match_count() const { return count_; }

 private:
  void scan_segment(std::string_view seg);
  void end_line();

  std::size_t max_lines_;
  std::size_t max_line_bytes_;
  std::string line_;   // the current line's first max_line_bytes
  std::string carry_;  // the current line's last bytes, for a marker cut by a chunk boundary
  bool matched_ = false;
  bool any_ = false;  // the current line has at least one byte
  std::size_t count_ = 0;
  std::vector<std::string> matches_;
};

}  // namespace opsd
