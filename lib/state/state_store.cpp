#include "state/state_store.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <string_view>

#include "state/atomic_file.hpp"
#include "state/state_codec.hpp"
#include "state/state_shape.hpp"
#include "util/json_writer.hpp"
#include "util/time_format.hpp"

namespace opsd {

namespace json = boost::json;

namespace {

void indent(std::string& out, int depth) { out.append(static_cast<std::size_t>(depth) * 2, ' '); }

template <class Int>
void append_int(std::string& out, Int n) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

// A scalar as Boost.JSON's serialize() writes it.
void write_scalar(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: {
      const json::string& str = v.get_string();
      JsonWriter::append_quoted(out, std::string_view(str.data(), str.size()));
      return;
    }
    case json::kind::int64:
      append_int(out, v.get_int64());
      return;
    case json::kind::uint64:
      append_int(out, v.get_uint64());
      return;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case json::kind::null:
      out += "null";
      return;
    default:
      out += json::serialize(v);  // double: Boost's shortest round-trip form
  }
}

// Two-space indented JSON in the value's own key order (Boost.JSON only writes compact text).
void write_pretty(std::string& out, const json::value& v, int depth) {
  if (const json::object* o = v.if_object()) {
    if (o->empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& [key, val] : *o) {
      if (!first) out += ",\n";
      first = false;
      indent(out, depth + 1);
      JsonWriter::append_quoted(out, std::string_view(key.data(), key.size()));
      out += ": ";
      write_pretty(out, val, depth + 1);
    }
    out += "\n";
    indent(out, depth);
    out += "}";
  } else if (const json::array* a = v.if_array()) {
    if (a->empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    bool first = true;
    for (const json::value& item : *a) {
      if (!first) out += ",\n";
      first = false;
      indent(out, depth + 1);
      write_pretty(out, item, depth + 1);
    }
    out += "\n";
    indent(out, depth);
    out += "]";
  } else {
    write_scalar(out, v);
  }
}

// Moves the unusable file aside; fills `load` accordingly.
void quarantine(FileSystem& fs, const std::string& path, TimeMs now, const std::string& why,
                StateLoad& load) {
  std::string base = path + ".corrupt-" + compact_utc_stamp(now);
  std::string target = base;
  for (int n = 1; fs.exists(target) && n < 1000; ++n) target = base + "-" + std::to_string(n);
  Status s = fs.rename(path, target);
  if (!s) {
    load.error = "state file " + path + " is unusable (" + why +
                 ") and could not be moved aside: " + s.message();
    load.unsafe_to_save = true;
    return;
  }
  (void)fs.fsync_dir(parent_dir(path));
  load.quarantined_to = target;
  load.error = "state file " + path + " is unusable (" + why + "); moved to " + target +
               " and started with empty state";
}

}  // namespace

std::string state_file_text(const State& s, const OutboxState& outbox) {
  std::string out;
  write_pretty(out, encode_state(s, outbox), 0);
  out += "\n";
  return out;
}

std::size_t state_read_cap(std::size_t job_count) {
  return std::max(kMaxStateFileBytes, job_count * kStateBytesPerJob);
}

StateLoad load_state(FileSystem& fs, const std::string& path, TimeMs now, std::size_t max_bytes) {
  StateLoad load;
  if (!fs.exists(path)) {
    load.created = true;
    return load;
  }
  // One byte over the cap tells "too large" (a content problem) from a read error.
  Result<std::string> text = fs.read_file_tail(path, max_bytes + 1);
  if (!text) {
    load.error = "cannot read state file " + path + ": " + text.error().message;
    load.unsafe_to_save = true;
    return load;
  }
  if (text->size() > max_bytes) {
    quarantine(fs, path, now, "larger than " + std::to_string(max_bytes) + " bytes", load);
    return load;
  }
  json::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec) {
    quarantine(fs, path, now, "not valid JSON: " + ec.message(), load);
    return load;
  }
  if (const json::object* o = v.if_object()) {
    if (const json::value* ver = o->if_contains("version");
        ver && !(ver->is_int64() && ver->get_int64() == 1) &&
        !(ver->is_uint64() && ver->get_uint64() == 1)) {
      quarantine(fs, path, now, "unsupported version " + json::serialize(*ver), load);
      return load;
    }
  }
  if (std::vector<std::string> wrong = state_shape_problems(v); !wrong.empty()) {
    std::string why = "wrong types: " + wrong.front();
    for (std::size_t i = 1; i < wrong.size() && i < 3; ++i) why += "; " + wrong[i];
    if (wrong.size() > 3) why += " (and " + std::to_string(wrong.size() - 3) + " more)";
    quarantine(fs, path, now, why, load);
    return load;
  }
  Result<State> state = decode_state(v);
  if (!state) {
    quarantine(fs, path, now, state.error().message, load);
    return load;
  }
  load.state = std::move(*state);
  load.outbox = decode_outbox(v);
  return load;
}

Status save_state(FileSystem& fs, const std::string& path, const State& s,
                  const OutboxState& outbox, TimeMs now, std::size_t max_bytes,
                  std::size_t* bytes) {
  std::string dir = parent_dir(path);
  if (!fs.exists(dir)) {
    if (Status d = fs.make_dirs(dir, 0700); !d) return d;
  }
  json::value v = encode_state(s, outbox);
  v.get_object()["updatedAt"] = iso8601_utc(now);
  v.get_object()["opsdUpdatedAt"] = v.get_object()["updatedAt"];  // state/legacy_fields.hpp
  std::string out;
  write_pretty(out, v, 0);
  out += "\n";
  if (bytes) *bytes = out.size();
  if (out.size() > max_bytes)
    return Error{"the state is " + std::to_string(out.size()) + " bytes, over the " +
                 std::to_string(max_bytes) +
                 "-byte cap the next start reads; not written (the last good state is kept)"};
  return write_file_atomic(fs, path, out, 0600);
}

}  // namespace opsd
