// How wide `opsctl status` may make its table.
#pragma once

#include <cstddef>

#include "config/paths.hpp"

namespace opsd {

// Display columns to fit the table into; 0 means no limit. Only a terminal has a width: for
// a pipe or a file the answer is 0, so scripts see the same table whatever $COLUMNS says. On
// a terminal, $COLUMNS when it is a positive number (the user's override), else the width
// the terminal reports (`terminal_columns`, 0 when unknown).
std::size_t table_width(bool is_terminal, const EnvLookup& env, std::size_t terminal_columns);

// table_width() for this process's stdout (isatty and TIOCGWINSZ on fd 1).
std::size_t stdout_table_width();

}  // namespace opsd
