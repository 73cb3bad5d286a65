// Helpers shared by the config readers: JSON paths, type names, lenient scalar reads that
// report what they did to a Diagnostics. Internal to lib/config.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

#include "config/diagnostic.hpp"

namespace opsd::config_detail {

// "jobs[3]" + "commands" -> "jobs[3].commands"; "" + "jobs" -> "jobs".
std::string key_path(std::string_view parent, std::string_view key);
// "jobs" + 3 -> "jobs[3]".
std::string index_path(std::string_view parent, std::size_t index);

// "a string", "an array", "null", ... for messages.
std::string_view type_name(const boost::json::value& v);

// ASCII whitespace trimmed from both ends.
std::string trim(std::string_view s);

// The member `key` of `obj`, or nullptr when absent.
const boost::json::value* member(const boost::json::object& obj, std::string_view key);

// One warning per key of `obj` not in `known`, naming its path.
void warn_unknown_keys(const boost::json::object& obj,
                       std::initializer_list<std::string_view> known, std::string_view path,
                       Diagnostics& d);

// A boolean: absent or null gives `fallback`; a non-bool warns and gives `fallback`.
bool read_bool(const boost::json::value* v, std::string_view path, bool fallback, Diagnostics& d);

// Python's truthiness of a JSON value (null, false, 0, "", [], {} are false).
bool is_falsy(const boost::json::value& v);

// An integer-valued JSON number (int64, uint64 within range, or integral double).
std::optional<std::int64_t> as_integer(const boost::json::value& v);

}  // namespace opsd::config_detail
