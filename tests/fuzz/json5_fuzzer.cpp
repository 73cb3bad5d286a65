// Fuzzes the JSON5 reader used for openclaw.json: a value or an error, never a crash.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "notify/json5.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto v = opsd::parse_json5(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  // What it accepted can be written out (Boost.JSON prints NaN/Infinity in its own way, so
  // the text is not parsed back).
  if (v) (void)boost::json::serialize(*v);
  return 0;
}
