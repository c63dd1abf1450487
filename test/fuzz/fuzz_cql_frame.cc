// libFuzzer target over the CQL frame and result decoder: the first 9 bytes are a frame header,
// the rest its body (whatever length the header claims). Also decodes the body as a type
// option followed by a cell of that type. Any input must give a value or an error: no crash,
// no read out of bounds, no unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cql/frame.h"
#include "cql/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kongdb::cql;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.size() < frame::kHeaderSize) return 0;
  std::string_view body = input.substr(frame::kHeaderSize);
  auto header = frame::decode_header(input.substr(0, frame::kHeaderSize));
  if (header) {
    (void)frame::decode_response(*header, body);
  } else {
    // Still decode the body as each opcode would be, with every prefix flag.
    frame::Header h;
    h.flags = static_cast<uint8_t>(data[1] & 0x0E);
    h.opcode = static_cast<frame::Opcode>(data[4] % 0x11);
    (void)frame::decode_response(h, body);
  }
  wire::Reader r(body);
  Type t = r.type_option();
  if (r.ok()) {
    bool is_null = false;
    std::string_view cell = r.bytes(is_null);
    if (r.ok() && !is_null) (void)wire::decode_value(t, cell);
  }
  return 0;
}
