#define PCRE2_CODE_UNIT_WIDTH 8
#include "schema/regex.h"

#include <pcre2.h>

namespace kongdb::schema {

std::optional<std::string> pcre_compile_error(std::string_view pattern) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0,
                                 &code, &offset, nullptr);
  if (re) {
    pcre2_code_free(re);
    return std::nullopt;
  }
  PCRE2_UCHAR buf[256];
  pcre2_get_error_message(code, buf, sizeof buf);
  std::string msg = "pcre2_compile() failed: " + std::string(reinterpret_cast<const char*>(buf)) +
                    " in \"" + std::string(pattern) + "\"";
  // nginx's ngx_regex_compile omits the `at "..."` part when the error is at the very end
  // (Kong's routes spec: `missing closing parenthesis in "/users/(foo/profile"`).
  if (offset < pattern.size()) msg += " at \"" + std::string(pattern.substr(offset)) + "\"";
  return msg;
}

}  // namespace kongdb::schema
