// Tolerant readers shared by the state codecs: a missing or wrong-typed field yields the
// default, never an error. Internal to lib/state.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>

#include "util/clock.hpp"

namespace opsd::state_detail {

const boost::json::value* field(const boost::json::object& o, std::string_view key);
const boost::json::object* object_at(const boost::json::object& o, std::string_view key);
const boost::json::array* array_at(const boost::json::object& o, std::string_view key);

std::optional<std::string> opt_string(const boost::json::object& o, std::string_view key);
std::string get_string(const boost::json::object& o, std::string_view key);
std::optional<bool> opt_bool(const boost::json::object& o, std::string_view key);
bool get_bool(const boost::json::object& o, std::string_view key, bool def = false);

// Integers, and fractional numbers without a fraction (1.0), within int64.
std::optional<std::int64_t> opt_int(const boost::json::object& o, std::string_view key);
std::int64_t get_int(const boost::json::object& o, std::string_view key, std::int64_t def = 0);
// `def` when absent or outside int.
int get_int32(const boost::json::object& o, std::string_view key, int def = 0);
// An int32 when present and within int; nullopt otherwise (null, absent, wrong type).
std::optional<int> opt_int32(const boost::json::object& o, std::string_view key);
std::uint64_t get_u64(const boost::json::object& o, std::string_view key, std::uint64_t def = 0);

// A time: integer = ms (opsd), fractional number = seconds (the original's float(time.time())),
// string = ISO 8601. Anything else, or a negative/unparseable value, is 0 (never).
TimeMs time_value(const boost::json::value& v);
TimeMs get_time(const boost::json::object& o, std::string_view key);
// The first of `keys` present with a usable time.
TimeMs get_time_any(const boost::json::object& o, std::initializer_list<std::string_view> keys);

std::optional<std::int64_t> positive(std::optional<std::int64_t> v);

// Encoding allocates every value from `sp` (one arena per encoded state, no malloc churn):
// the number, or null.
boost::json::value opt_json(const std::optional<std::int64_t>& v,
                            const boost::json::storage_ptr& sp);

}  // namespace opsd::state_detail
