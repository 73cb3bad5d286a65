// JSON5 reader (https://spec.json5.org) producing Boost.JSON values. openclaw.json is JSON5.
#pragma once

#include <cstddef>
#include <string_view>

#include <boost/json/value.hpp>

#include "util/result.hpp"

namespace opsd {

// Deepest nesting of arrays/objects accepted; deeper input is an error, not a stack overflow.
inline constexpr std::size_t kJson5MaxDepth = 256;

// Parses one JSON5 value: comments (// and /* */), trailing commas, identifier keys,
// single- or double-quoted strings with all JSON5 escapes (\x, \u incl. surrogate pairs,
// \v, \0, line continuations), hex integers, leading/trailing decimal points, explicit '+',
// Infinity and NaN. Integers become int64 (uint64 above INT64_MAX, double beyond that).
// Duplicate keys: the last one wins. Errors read "<source>:<line>:<column>: <what>" (1-based,
// column in code points; without a source name just "<line>:<column>: <what>").
Result<boost::json::value> parse_json5(std::string_view text, std::string_view source_name = "");

}  // namespace opsd
