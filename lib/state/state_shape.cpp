#include "state/state_shape.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <initializer_list>
#include <string_view>

#include "util/json_kind.hpp"

namespace opsd {

namespace json = boost::json;

namespace {

enum class Want { object, array, string, boolean, number, count };

const char* want_name(Want w) {
  switch (w) {
    case Want::object:
      return "an object";
    case Want::array:
      return "an array";
    case Want::string:
      return "a string";
    case Want::boolean:
      return "a boolean";
    case Want::number:
      return "a number";
    case Want::count:
      return "a non-negative integer";
  }
  return "a value";
}

bool is_count(const json::value& v) {
  if (v.is_uint64()) return true;
  if (v.is_int64()) return v.get_int64() >= 0;
  if (!v.is_double()) return false;
  double d = v.get_double();
  return d >= 0 && d < 1.8e19 && d == std::floor(d);
}

bool fits(const json::value& v, Want w) {
  switch (w) {
    case Want::object:
      return v.is_object();
    case Want::array:
      return v.is_array();
    case Want::string:
      return v.is_string();
    case Want::boolean:
      return v.is_bool();
    case Want::number:
      return v.is_number();
    case Want::count:
      return is_count(v);
  }
  return false;
}

struct Checker {
  std::vector<std::string> problems;

  // Records a problem when `key` holds a non-null value of the wrong type.
  void field(const json::object& o, const std::string& path, std::string_view key, Want w) {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null() || fits(*v, w)) return;
    problems.push_back(path + "." + std::string(key) + ": expected " + want_name(w) + ", got " +
                       std::string(json_kind_name(*v)));
  }

  // Each item of the array at `key` must be an object; `each` checks its fields.
  template <class F>
  void list(const json::object& o, std::string_view key, F each) {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return;
    std::string path = "$." + std::string(key);
    if (!v->is_array()) {
      problems.push_back(path + ": expected an array, got " + std::string(json_kind_name(*v)));
      return;
    }
    std::size_t i = 0;
    for (const json::value& item : v->get_array()) {
      std::string ip = path + "[" + std::to_string(i++) + "]";
      if (!item.is_object()) {
        problems.push_back(ip + ": expected an object, got " + std::string(json_kind_name(item)));
        continue;
      }
      each(item.get_object(), ip);
    }
  }

  void fields(const json::object& o, const std::string& path,
              std::initializer_list<std::pair<std::string_view, Want>> spec) {
    for (const auto& [key, w] : spec) field(o, path, key, w);
  }
};

}  // namespace

std::vector<std::string> state_shape_problems(const json::value& v) {
  Checker c;
  const json::object* o = v.if_object();
  if (!o) {
    c.problems.push_back(std::string("$: expected an object, got ") +
                         std::string(json_kind_name(v)));
    return c.problems;
  }
  c.fields(*o, "$",
           {{"jobs", Want::object},
            {"nextQueueId", Want::count},
            {"nextOutboxSeq", Want::count},
            {"outboxLastError", Want::string}});
  if (const json::value* jobs = o->if_contains("jobs"); jobs && jobs->is_object())
    for (const auto& [id, job] : jobs->get_object())
      if (!job.is_object() && !job.is_null())
        c.problems.push_back("$.jobs." + std::string(id) + ": expected an object, got " +
                             std::string(json_kind_name(job)));
  c.list(*o, "queue", [&](const json::object& q, const std::string& p) {
    c.fields(q, p, {{"id", Want::string}, {"jobId", Want::string}, {"status", Want::string}});
  });
  c.list(*o, "outbox", [&](const json::object& m, const std::string& p) {
    c.fields(m, p,
             {{"seq", Want::count},
              {"text", Want::string},
              {"alert", Want::boolean},
              {"target", Want::string},
              {"attempts", Want::number}});
  });
  c.list(*o, "approvals", [&](const json::object& a, const std::string& p) {
    c.fields(a, p,
             {{"jobId", Want::string},
              {"fingerprint", Want::string},
              {"consumed", Want::boolean},
              {"voided", Want::boolean}});
  });
  c.list(*o, "writeChains", [&](const json::object& w, const std::string& p) {
    c.fields(w, p, {{"jobId", Want::string}, {"verifications", Want::array}});
  });
  return c.problems;
}

}  // namespace opsd
