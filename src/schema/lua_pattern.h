#pragma once
// Lua 5.1 pattern matching (reference manual section 5.4.1), used by Kong's
// `match`, `not_match`, `match_all`, `match_none` and `match_any` validators.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kongdb::schema {

// [begin, end) are 0-based byte offsets into the subject. A position capture
// "()" is reported as its 1-based position in decimal, as Lua would print it.
struct LuaMatch {
  size_t begin;
  size_t end;
  std::vector<std::string> captures;
};

// Like Lua's string.find(subject, pattern, 1, false). Returns nullopt when no
// match. A malformed pattern sets *error to Lua's message and returns nullopt.
// As in Lua, errors are raised only when the matcher reaches the malformed
// part, so e.g. "a%" against "b" is simply no match. Patterns deeper than 200
// nested quantifiers/captures fail with "pattern too complex" instead of
// recursing without bound. *error is cleared on entry.
std::optional<LuaMatch> lua_find(std::string_view subject,
                                 std::string_view pattern,
                                 std::string* error = nullptr);

// Convenience: true when lua_find finds a match (errors count as no match,
// error string set if non-null).
bool lua_pattern_matches(std::string_view subject, std::string_view pattern,
                         std::string* error = nullptr);

// Like string.gsub(s, pattern, repl) with a string replacement (supports
// %0-%9 and %%). On error sets *error and returns an empty string.
std::string lua_gsub(std::string_view subject, std::string_view pattern,
                     std::string_view replacement,
                     std::string* error = nullptr);

}  // namespace kongdb::schema
