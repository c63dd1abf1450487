// Base64 with the standard alphabet and no padding, as Kong's page offsets use
// (ngx.encode_base64(s, true)). The decoder accepts input with or without padding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kongdb::base64 {

std::string encode(std::string_view data);
/// nullopt on characters outside the alphabet or an impossible length.
std::optional<std::string> decode(std::string_view text);

}  // namespace kongdb::base64
