// Kong 3.9's deterministic entity ids: RFC 4122 version 5 (SHA-1) under a namespace that is
// itself the v5 id of the entity name in Kong's fixed root namespace.
#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <string>

#include "kongdb/declarative/declarative.h"

namespace kongdb::declarative {
namespace {

using UuidBytes = std::array<uint8_t, 16>;

constexpr const char* kEntitiesNamespace = "fd02801f-0957-4a15-a55a-c8d9606f30b5";

uint8_t hex_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
  return static_cast<uint8_t>(c - 'A' + 10);
}

UuidBytes bytes_of(std::string_view text) {
  UuidBytes out{};
  size_t n = 0;
  for (size_t i = 0; i + 1 < text.size() && n < out.size();) {
    if (text[i] == '-') {
      ++i;
      continue;
    }
    out[n++] = static_cast<uint8_t>(hex_value(text[i]) << 4 | hex_value(text[i + 1]));
    i += 2;
  }
  return out;
}

std::string text_of(const UuidBytes& b) {
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0x0f];
  }
  return out;
}

UuidBytes v5(const UuidBytes& ns, std::string_view name) {
  std::string input(reinterpret_cast<const char*>(ns.data()), ns.size());
  input.append(name);
  std::array<uint8_t, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  UuidBytes out{};
  std::copy_n(digest.begin(), out.size(), out.begin());
  out[6] = static_cast<uint8_t>((out[6] & 0x0f) | 0x50);
  out[8] = static_cast<uint8_t>((out[8] & 0x3f) | 0x80);
  return out;
}

}  // namespace

std::string stable_id(std::string_view entity, std::string_view key) {
  static const UuidBytes root = bytes_of(kEntitiesNamespace);
  return text_of(v5(v5(root, entity), key));
}

}  // namespace kongdb::declarative
