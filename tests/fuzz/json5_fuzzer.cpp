// Fuzzes the JSON5 reader used for openclaw.json: a value or an error, never a crash.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "notify/json5.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto v = opsd::parse_json5(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  // What it accepted serialises as strict JSON (NaN/Infinity excepted: JSON has none).
  if (v) {
    std::string text = boost::json::serialize(*v);
    boost::json::error_code ec;
    (void)boost::json::parse(text, ec);
    if (ec && text.find("null") == std::string::npos && text.find("e99999") == std::string::npos)
      __builtin_trap();
  }
  return 0;
}
