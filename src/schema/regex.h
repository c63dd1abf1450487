// PCRE (as ngx.re uses) compile checks for `is_regex` and router regex paths.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kongdb::schema {

/// nullopt when `pattern` compiles as a PCRE regex; else PCRE's message, prefixed as
/// ngx.re reports it ("pcre2_compile() failed: <why> in \"<pattern>\" at \"<rest>\"", the
/// `at` part omitted when the error is at the end of the pattern).
std::optional<std::string> pcre_compile_error(std::string_view pattern);

}  // namespace kongdb::schema
