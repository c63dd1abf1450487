// JSON text <-> Value, keeping integers integral and `[]` distinct from `{}`.
//
//   auto v = kongdb::json::parse(R"({"port": 80})");   // Result<Value>
//   std::string s = kongdb::json::encode(*v);          // {"port":80}
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>
#include "kongdb/core/value.h"

namespace kongdb::json {

/// Deepest nesting accepted; deeper documents are refused rather than risking the stack.
inline constexpr size_t kMaxDepth = 512;

/// Parses one JSON document. Failure is a plain message (e.g. "syntax error at offset 3").
tl::expected<Value, std::string> parse(std::string_view text);

/// Compact JSON. Floats use the shortest form that round-trips; integral floats keep a
/// ".0"-free form only when they are integers in the Value.
std::string encode(const Value& value);
/// Indented JSON for people (two spaces).
std::string encode_pretty(const Value& value);
/// Appends a JSON string literal for `s`.
void append_quoted(std::string& out, std::string_view s);

}  // namespace kongdb::json
