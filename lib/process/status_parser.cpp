#include "process/status_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "util/json_kind.hpp"
#include "util/json_writer.hpp"

namespace opsd {
namespace {

namespace json = boost::json;

// Python's repr(float): shortest round-trip digits, fixed notation for exponents in [-4, 16),
// otherwise d.ddde+XX with at least two exponent digits.
void append_python_float(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  if (!sci.empty() && sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  std::size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exp = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      auto int_len = static_cast<std::size_t>(exp) + 1;
      if (digits.size() < int_len) digits.append(int_len - digits.size(), '0');
      out.append(digits, 0, int_len);
      out += '.';
      out += digits.size() > int_len ? digits.substr(int_len) : "0";
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-exp - 1), '0');
      out += digits;
    }
    return;
  }
  out += digits[0];
  if (digits.size() > 1) {
    out += '.';
    out.append(digits, 1);
  }
  out += exp < 0 ? "e-" : "e+";
  int mag = std::abs(exp);
  if (mag < 10) out += '0';
  out += std::to_string(mag);
}

// A JSON string as Python's json.dumps(ensure_ascii=False) writes it: the same escapes as
// Boost.JSON's (", \\, \b \f \n \r \t, other control characters as \u00xx).
void append_python_string(std::string& out, std::string_view s) {
  JsonWriter::append_quoted(out, s);
}

void append_canonical(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
      out += std::to_string(v.get_int64());
      return;
    case json::kind::uint64:
      out += std::to_string(v.get_uint64());
      return;
    case json::kind::double_:
      append_python_float(out, v.get_double());
      return;
    case json::kind::string:
      append_python_string(out, v.get_string());
      return;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ", ";
        first = false;
        append_canonical(out, item);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      const auto& obj = v.get_object();
      std::vector<const json::key_value_pair*> entries;
      entries.reserve(obj.size());
      for (const auto& kv : obj) entries.push_back(&kv);
      std::sort(entries.begin(), entries.end(),
                [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out += '{';
      bool first = true;
      for (const auto* kv : entries) {
        if (!first) out += ", ";
        first = false;
        append_python_string(out, kv->key());
        out += ": ";
        append_canonical(out, kv->value());
      }
      out += '}';
      return;
    }
  }
}

ProbeResult failure(std::string message) { return ProbeResult{std::nullopt, std::move(message)}; }

std::string type_error(std::string_view field, std::string_view wanted, const json::value& got) {
  std::string msg = "`";
  msg += field;
  msg += "` must be ";
  msg += wanted;
  msg += ", got ";
  msg += json_kind_name(got);
  return msg;
}

// The field's value, or nullptr when it is absent or null.
const json::value* optional_field(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Reads an optional string field into `out`; returns an error message or "".
std::string read_string(const json::object& obj, std::string_view key, std::string& out) {
  const json::value* v = optional_field(obj, key);
  if (v == nullptr) return {};
  if (!v->is_string()) return type_error(key, "a string", *v);
  out = std::string(v->get_string());
  return {};
}

ProbeResult parse_object(const json::object& obj) {
  StatusReport report;
  for (const char* key : {"running", "completed"}) {
    const json::value* v = obj.if_contains(key);
    if (v == nullptr) return failure(std::string("`") + key + "` is required");
    if (!v->is_bool()) return failure(type_error(key, "a boolean", *v));
    (std::string_view(key) == "running" ? report.running : report.completed) = v->get_bool();
  }
  if (const json::value* v = optional_field(obj, "pid")) {
    if (v->is_int64()) {
      if (v->get_int64() > 0) report.pid = v->get_int64();
    } else if (v->is_uint64()) {
      return failure("`pid` is out of range");
    } else {
      return failure(type_error("pid", "an integer", *v));
    }
  }
  if (auto err = read_string(obj, "stopReason", report.stop_reason); !err.empty()) {
    return failure(err);
  }
  if (auto err = read_string(obj, "message", report.message); !err.empty()) return failure(err);
  if (auto err = read_string(obj, "progressKey", report.progress_key); !err.empty()) {
    return failure(err);
  }
  if (is_blank(report.progress_key)) report.progress_key.clear();
  if (const json::value* v = optional_field(obj, "progress")) {
    if (!v->is_object()) return failure(type_error("progress", "an object", *v));
    append_canonical(report.progress_json, *v);
    if (report.progress_key.empty()) report.progress_key = report.progress_json;
  }
  if (auto err = read_string(obj, "level", report.level); !err.empty()) return failure(err);
  if (!report.level.empty() && report.level != "ok" && report.level != "warn" &&
      report.level != "alert") {
    std::string shown;
    append_python_string(shown, report.level);
    return failure("`level` must be one of ok, warn, alert, got " + shown);
  }
  return ProbeResult{std::move(report), {}};
}

std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  auto nl = text.find_last_of('\n');
  return std::string(nl == std::string_view::npos ? text : text.substr(nl + 1));
}

}  // namespace

ProbeResult parse_status_output(std::string_view stdout_text) {
  try {
    boost::system::error_code ec;
    json::value v = json::parse(stdout_text, ec);
    if (ec) return failure("status output is not JSON: " + ec.message());
    if (!v.is_object()) {
      return failure("status output must be a JSON object, got " + std::string(json_kind_name(v)));
    }
    return parse_object(v.get_object());
  } catch (const std::exception& e) {
    return failure(std::string("status output could not be read: ") + e.what());
  }
}

ProbeResult probe_result_from(const CommandOutput& out) {
  if (!out.spawn_error.empty())
    return failure("status command could not start: " + out.spawn_error);
  if (out.timed_out) {
    return failure("status command timed out after " + std::to_string(out.duration_ms) + " ms");
  }
  if (out.overflow) {
    return failure("status output is larger than " + std::to_string(out.stdout_text.size()) +
                   " bytes");
  }
  if (out.exit_code != 0) {
    std::string msg = out.exit_code < 0
                          ? "status command was killed by signal " + std::to_string(-out.exit_code)
                          : "status command exited with code " + std::to_string(out.exit_code);
    std::string detail = last_line(out.stderr_tail);
    if (!detail.empty()) msg += ": " + detail;
    return failure(msg);
  }
  if (is_blank(out.stdout_text)) return failure("status command printed nothing");
  return parse_status_output(out.stdout_text);
}

}  // namespace opsd
