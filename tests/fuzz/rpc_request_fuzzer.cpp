// Fuzzes the control socket's framing and JSON-RPC request parser (docs/control-protocol.md).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rpc/protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Exactly one of request/error is set (protocol.hpp).
  opsd::ParsedRequest p = opsd::parse_request(bytes);
  if (p.request.has_value() == p.error.has_value()) __builtin_trap();
  if (p.error) (void)opsd::make_error(p.id, *p.error);

  // The same bytes as a stream, split at an arbitrary point, through a small FrameBuffer.
  opsd::FrameBuffer frames(4096);
  const std::size_t cut = size ? data[0] % (size + 1) : 0;
  frames.append(bytes.substr(0, cut));
  frames.append(bytes.substr(cut));
  int n = 0;
  while (auto line = frames.next_line()) {
    if (line->size() > 4096) __builtin_trap();
    (void)opsd::parse_request(*line);
    if (++n > 100000) break;
  }
  return 0;
}
