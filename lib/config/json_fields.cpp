#include "config/json_fields.hpp"

#include <cmath>
#include <limits>

#include <boost/json.hpp>

namespace opsd::config_detail {

namespace json = boost::json;

std::string key_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

std::string index_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string_view type_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

std::string trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(kSpace);
  return std::string(s.substr(b, e - b + 1));
}

const json::value* member(const json::object& obj, std::string_view key) {
  return obj.if_contains(key);
}

void warn_unknown_keys(const json::object& obj, std::initializer_list<std::string_view> known,
                       std::string_view path, Diagnostics& d) {
  for (const auto& kv : obj) {
    bool found = false;
    for (auto k : known) found = found || kv.key() == k;
    if (!found) d.warning(key_path(path, kv.key()), "unknown key, ignored");
  }
}

bool read_bool(const json::value* v, std::string_view path, bool fallback, Diagnostics& d) {
  if (v == nullptr || v->is_null()) return fallback;
  if (v->is_bool()) return v->get_bool();
  d.warning(std::string(path), "expected true or false, got " + std::string(type_name(*v)) +
                                   "; using the default " + (fallback ? "true" : "false"));
  return fallback;
}

bool is_falsy(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return true;
    case json::kind::bool_:
      return !v.get_bool();
    case json::kind::int64:
      return v.get_int64() == 0;
    case json::kind::uint64:
      return v.get_uint64() == 0;
    case json::kind::double_:
      return v.get_double() == 0.0;
    case json::kind::string:
      return v.get_string().empty();
    case json::kind::array:
      return v.get_array().empty();
    case json::kind::object:
      return v.get_object().empty();
  }
  return false;
}

std::optional<std::int64_t> as_integer(const json::value& v) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(kMax)) return std::nullopt;
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double x = v.get_double();
    if (std::trunc(x) != x || std::fabs(x) > 9.0e18) return std::nullopt;
    return static_cast<std::int64_t>(x);
  }
  return std::nullopt;
}

}  // namespace opsd::config_detail
