#include "util/marker_scanner.hpp"

#include <algorithm>

namespace opsd {

namespace {

constexpr std::size_t kCarry = std::max(kMarkerAlert.size(), kMarkerActionRequired.size()) - 1;

bool has_marker(std::string_view s) {
  return s.find(kMarkerAlert) != std::string_view::npos ||
         s.find(kMarkerActionRequired) != std::string_view::npos;
}

}  // namespace

MarkerScanner::MarkerScanner(std::size_t max_lines, std::size_t max_line_bytes)
    : max_lines_(max_lines), max_line_bytes_(max_line_bytes) {}

void MarkerScanner::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    const std::size_t nl = chunk.find('\n');
    scan_segment(chunk.substr(0, nl));
    if (nl == std::string_view::npos) return;
    end_line();
    chunk.remove_prefix(nl + 1);
  }
}

void MarkerScanner::finish() {
  if (any_) end_line();
}

void MarkerScanner::scan_segment(std::string_view seg) {
  if (seg.empty()) return;
  any_ = true;
  if (line_.size() < max_line_bytes_) line_.append(seg.substr(0, max_line_bytes_ - line_.size()));
  if (matched_) return;
  // A marker may start in the carried end of the previous piece of this line.
  std::string window = carry_;
  window.append(seg.substr(0, std::min(seg.size(), kCarry)));
  if (has_marker(window) || has_marker(seg)) {
    matched_ = true;
    return;
  }
  carry_.append(seg.substr(seg.size() - std::min(seg.size(), kCarry)));
  if (carry_.size() > kCarry) carry_.erase(0, carry_.size() - kCarry);
}

void MarkerScanner::end_line() {
  if (matched_) {
    ++count_;
    if (matches_.size() < max_lines_) {
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      matches_.push_back(line_);
    }
  }
  line_.clear();
  carry_.clear();
  matched_ = false;
  any_ = false;
}

}  // namespace opsd
