// Fitting a table's columns into a terminal's width: columns are narrowed to a floor or left
// out, one step at a time in a given order, until the lines fit. Pure arithmetic on display
// widths (cli/display_width.hpp); cli/status_table.cpp renders with the result.
#pragma once

#include <cstddef>
#include <vector>

namespace opsd {

// One step: narrow `column` to `floor` display columns (never widens it), or leave it out
// (`drop`). Steps run in order only while the table is too wide.
struct FitStep {
  std::size_t column = 0;
  std::size_t floor = 0;
  bool drop = false;
};

// Per column: its width (cells wider are cut to it) and whether it is shown at all.
struct TableFit {
  std::vector<std::size_t> width{};
  std::vector<bool> shown{};
};

// `natural`: each column's widest cell; `gap`: spaces between two shown columns; `max_width`:
// the terminal's columns (0: no limit, the natural widths). Steps are applied while the total
// exceeds `max_width`; room a drop left over is then given back to the narrowed columns that
// are still shown, the latest narrowed first. A table that still does not fit wraps.
TableFit fit_columns(const std::vector<std::size_t>& natural, std::size_t gap,
                     std::size_t max_width, const std::vector<FitStep>& steps);

// The width of the lines `fit` gives: shown columns and the gaps between them.
std::size_t fitted_width(const TableFit& fit, std::size_t gap);

}  // namespace opsd
