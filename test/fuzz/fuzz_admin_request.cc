// libFuzzer target: arbitrary bytes -> Admin API request decoding (target, query string, form,
// multipart and JSON bodies). Any input must decode or yield a DecodeError; never a crash,
// an escaping exception or unbounded memory.
//
// Input layout: byte 0 picks method and content type; the first line is the target; the
// rest is the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kongdb/admin/request_decoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) return 0;
  static constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  static constexpr std::string_view kContentTypes[] = {
      "application/json", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=XyZ", "text/plain", ""};
  const auto selector = static_cast<unsigned char>(input.front());
  input.remove_prefix(1);

  kongdb::admin::Request request;
  request.method = std::string(kMethods[selector % 5]);
  size_t newline = input.find('\n');
  request.target = std::string(input.substr(0, newline));
  if (newline != std::string_view::npos) request.body = std::string(input.substr(newline + 1));
  std::string_view content_type = kContentTypes[(selector / 5) % 5];
  if (!content_type.empty()) request.headers.push_back({"content-type", std::string(content_type)});

  auto decoded = kongdb::admin::decode_request(request);
  if (!decoded) (void)decoded.error().message.size();

  // The decoders on their own, over the whole input.
  (void)kongdb::admin::decode_urlencoded(input, request.method);
  (void)kongdb::admin::decode_multipart(input, "multipart/form-data; boundary=XyZ", "POST");
  (void)kongdb::admin::decode_target(input);
  return 0;
}
