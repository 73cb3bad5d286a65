#include "config/progress_keys_loader.hpp"

#include <string>

#include <boost/json.hpp>

#include "config/json_fields.hpp"

namespace opsd::config_detail {

namespace json = boost::json;

namespace {

constexpr std::string_view kShape =
    R"(an object like {"done": "scanned", "total": "hosts"} or {"percent": "pct"})";

}  // namespace

ProgressKeys read_progress_keys(const json::value* v, const ProgressKeys& base,
                                std::string_view path, Diagnostics& d) {
  if (v == nullptr || v->is_null()) return base;
  if (!v->is_object()) {
    d.error(std::string(path),
            "must be " + std::string(kShape) + ", got " + std::string(type_name(*v)));
    return base;
  }
  const json::object& o = v->get_object();
  warn_unknown_keys(o, {"done", "total", "percent"}, path, d);
  ProgressKeys out;
  bool ok = true;
  for (auto [key, slot] : {std::pair{"done", &out.done}, std::pair{"total", &out.total},
                           std::pair{"percent", &out.percent}}) {
    const json::value* x = member(o, key);
    if (x == nullptr || x->is_null()) continue;
    if (!x->is_string() || trim(x->get_string()).empty()) {
      d.error(key_path(path, key),
              "must be the name of a key of the status report's progress "
              "object (a non-empty string), got " +
                  std::string(x->is_string() ? "an empty string" : type_name(*x)));
      ok = false;
      continue;
    }
    *slot = trim(x->get_string());
  }
  if (!ok) return base;
  if (!out.percent.empty() && (!out.done.empty() || !out.total.empty())) {
    d.error(std::string(path), "give either \"percent\" or \"done\" and \"total\", not both");
    return base;
  }
  if (out.done.empty() != out.total.empty()) {
    d.error(key_path(path, out.done.empty() ? "done" : "total"),
            "is missing: \"done\" and \"total\" go together (or give \"percent\" alone)");
    return base;
  }
  return out;
}

}  // namespace opsd::config_detail
