// Appends JSON text to a string as it is written, without building a document first: for
// answers with thousands of values (status over many jobs), where a DOM costs an allocation
// and a destruction per value. The output is byte-for-byte what boost::json::serialize
// writes for the same document (same escapes, no spaces).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace opsd {

class JsonWriter {
 public:
  // Appends to `out`, which must outlive the writer.
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The member name of the next value inside an object.
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view s);
  JsonWriter& number(std::int64_t n);
  JsonWriter& boolean(bool b);
  JsonWriter& null();
  // `s`, or null when it is empty.
  JsonWriter& string_or_null(std::string_view s);
  // `t` as an ISO 8601 UTC string, or null when it is not set (<= 0).
  JsonWriter& time_or_null(std::int64_t t);
  // Text that is already one complete JSON value (e.g. Boost.JSON's output), copied as is;
  // null when empty.
  JsonWriter& raw(std::string_view json_text);

  // Writes `s` as a quoted JSON string with Boost.JSON's escapes.
  static void append_quoted(std::string& out, std::string_view s);

 private:
  void separate();  // the comma before a value that is not the first of its container

  std::string& out_;
  std::vector<bool> first_;  // one entry per open container: no value written in it yet
  bool after_key_ = false;
};

}  // namespace opsd
