// The number grammar of JSON5, used by the JSON5 reader (json5.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace opsd {

struct Json5Number {
  boost::json::value value;  // int64, uint64 (above INT64_MAX) or double
  std::size_t end = 0;       // byte offset just past the number
  std::string error;         // "" on success
  std::size_t error_pos = 0;
};

// Scans one JSON5 number starting at byte `pos` of `text`: optional sign, Infinity, NaN,
// 0x hex digits, or decimal digits with optional leading/trailing '.' and exponent.
// Decimal integers too large for uint64 and out-of-range decimals become doubles (or ±inf).
Json5Number scan_json5_number(std::string_view text, std::size_t pos);

}  // namespace opsd
