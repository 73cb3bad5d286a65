// The end of a command's output, cut for reports, the audit log and Telegram.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace opsd {

// Whether a cut is shown: CutMark::ellipsis puts "…" (3 bytes, not counted in max_bytes) in
// front of output whose beginning was dropped.
enum class CutMark { none, ellipsis };

// `output` trimmed of whitespace at both ends, then at most its last `max_bytes` bytes without
// a split UTF-8 sequence (and without the whitespace the cut left in front), invalid sequences
// replaced by U+FFFD.
std::string output_tail(std::string_view output, std::size_t max_bytes,
                        CutMark mark = CutMark::none);

}  // namespace opsd
