// Terminal display width of UTF-8 text (a wcwidth-like table), for aligned tables.
//
// fmt 9 counts wide characters only in fmt::detail::compute_width (internal API) and counts
// combining marks as one column, so opsd keeps its own small table: East Asian Wide and
// Fullwidth characters and emoji are 2 columns, combining marks, zero-width and control
// characters 0, everything else 1.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace opsd {

// Columns `cp` takes in a terminal: 0, 1 or 2.
int codepoint_width(char32_t cp);

// Columns `s` takes; each byte of an invalid sequence counts 1 (it shows as U+FFFD). A code
// point after a zero-width joiner counts 0 (it joins the emoji before it).
std::size_t display_width(std::string_view s);

// `s` when it fits in `max_columns`, else its longest prefix of whole characters (a base and
// its combining marks stay together) that leaves room for "…", followed by "…".
std::string fit_width(std::string_view s, std::size_t max_columns);

// Appends `s` and then spaces up to `columns` (none when `s` is already that wide).
void append_padded(std::string& out, std::string_view s, std::size_t columns);

}  // namespace opsd
