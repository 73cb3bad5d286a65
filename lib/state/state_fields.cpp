#include "state/state_fields.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/json.hpp>

#include "util/time_format.hpp"

namespace opsd::state_detail {

namespace json = boost::json;

const json::value* field(const json::object& o, std::string_view key) { return o.if_contains(key); }

const json::object* object_at(const json::object& o, std::string_view key) {
  const json::value* v = field(o, key);
  return v ? v->if_object() : nullptr;
}

const json::array* array_at(const json::object& o, std::string_view key) {
  const json::value* v = field(o, key);
  return v ? v->if_array() : nullptr;
}

std::optional<std::string> opt_string(const json::object& o, std::string_view key) {
  const json::value* v = field(o, key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::string get_string(const json::object& o, std::string_view key) {
  return opt_string(o, key).value_or("");
}

std::optional<bool> opt_bool(const json::object& o, std::string_view key) {
  const json::value* v = field(o, key);
  if (!v || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

bool get_bool(const json::object& o, std::string_view key, bool def) {
  return opt_bool(o, key).value_or(def);
}

std::optional<std::int64_t> opt_int(const json::object& o, std::string_view key) {
  const json::value* v = field(o, key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= std::uint64_t(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) {
    double d = v->get_double();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e18)
      return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::int64_t get_int(const json::object& o, std::string_view key, std::int64_t def) {
  return opt_int(o, key).value_or(def);
}

int get_int32(const json::object& o, std::string_view key, int def) {
  std::int64_t v = get_int(o, key, def);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) return def;
  return static_cast<int>(v);
}

std::optional<int> opt_int32(const json::object& o, std::string_view key) {
  std::optional<std::int64_t> v = opt_int(o, key);
  if (!v || *v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max())
    return std::nullopt;
  return static_cast<int>(*v);
}

std::uint64_t get_u64(const json::object& o, std::string_view key, std::uint64_t def) {
  const json::value* v = field(o, key);
  if (v && v->is_uint64()) return v->get_uint64();
  std::optional<std::int64_t> i = opt_int(o, key);
  return i && *i >= 0 ? static_cast<std::uint64_t>(*i) : def;
}

TimeMs time_value(const json::value& v) {
  if (v.is_int64()) return std::max<std::int64_t>(v.get_int64(), 0);
  if (v.is_uint64()) return v.get_uint64() <= 9'000'000'000'000'000ULL ? TimeMs(v.get_uint64()) : 0;
  if (v.is_double()) {
    double ms = v.get_double() * 1000.0;
    return std::isfinite(ms) && ms > 0 && ms < 9e18 ? static_cast<TimeMs>(std::llround(ms)) : 0;
  }
  if (v.is_string()) {
    Result<TimeMs> t = parse_iso8601(v.get_string());
    return t ? std::max<TimeMs>(*t, 0) : 0;
  }
  return 0;
}

TimeMs get_time(const json::object& o, std::string_view key) {
  const json::value* v = field(o, key);
  return v ? time_value(*v) : 0;
}

TimeMs get_time_any(const json::object& o, std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys)
    if (TimeMs t = get_time(o, k)) return t;
  return 0;
}

std::optional<std::int64_t> positive(std::optional<std::int64_t> v) {
  return v && *v > 0 ? v : std::nullopt;
}

json::value opt_json(const std::optional<std::int64_t>& v, const json::storage_ptr& sp) {
  return v ? json::value(*v, sp) : json::value(nullptr, sp);
}

}  // namespace opsd::state_detail
