// request-transformer plugin; behaviour from Kong's kong/plugins/request-transformer/schema.lua.
#include <cctype>
#include <optional>
#include <regex>
#include <set>

#include "schema/entities/entities.h"
#include "schema/entities/shared_fields.h"

#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {
namespace {

// kong.tools.http validate_header_name: RFC token subset Kong accepts.
bool valid_header_name(const std::string& name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

// Lua's `entry:match("^([^:]+):*(.-)$")`: name before the first colon, value after the colons.
std::optional<std::pair<std::string, std::string>> split_pair(const std::string& entry) {
  size_t colon = entry.find(':');
  size_t name_end = colon == std::string::npos ? entry.size() : colon;
  if (name_end == 0) return std::nullopt;
  size_t value_start = name_end;
  while (value_start < entry.size() && entry[value_start] == ':') ++value_start;
  return std::make_pair(entry.substr(0, name_end), entry.substr(value_start));
}

// --- Syntax check of the Lua expressions inside `$( ... )` template placeholders ---
// Penlight's template.compile loads the generated chunk; a bad expression is a load error.
// This recogniser covers Lua 5.1 expressions (function bodies are skipped by keyword depth).
class LuaExprChecker {
 public:
  explicit LuaExprChecker(std::string_view src) : src_(src) { next(); }

  std::optional<std::string> check() {
    if (!expr()) return err_;
    if (tok_ != Tok::Eof) return fail("')' expected near '" + text_ + "'");
    return std::nullopt;
  }

 private:
  enum class Tok { Eof, Name, Keyword, Number, String, Symbol, Error };
  std::string_view src_;
  size_t pos_ = 0;
  Tok tok_ = Tok::Eof;
  std::string text_;
  std::optional<std::string> err_;

  bool fail_bool(std::string msg) {
    if (!err_) err_ = std::move(msg);
    return false;
  }
  std::optional<std::string> fail(std::string msg) {
    fail_bool(std::move(msg));
    return err_;
  }

  static bool is_keyword(const std::string& w) {
    static const std::set<std::string> kw = {
        "and",   "break", "do",  "else", "elseif", "end",    "false", "for",  "function", "if",
        "in",    "local", "nil", "not",  "or",     "repeat", "return", "then", "true",     "until",
        "while"};
    return kw.count(w) > 0;
  }

  // Length of a long bracket opener "[==[" at pos, or 0.
  size_t long_bracket(size_t pos, int& level) const {
    if (pos >= src_.size() || src_[pos] != '[') return 0;
    size_t p = pos + 1;
    level = 0;
    while (p < src_.size() && src_[p] == '=') ++level, ++p;
    return (p < src_.size() && src_[p] == '[') ? p + 1 - pos : 0;
  }
  bool skip_long(size_t& p, int level) const {
    std::string close = "]" + std::string(level, '=') + "]";
    size_t e = src_.find(close, p);
    if (e == std::string_view::npos) return false;
    p = e + close.size();
    return true;
  }

  void next() {
    for (;;) {
      while (pos_ < src_.size() && std::isspace(static_cast<unsigned char>(src_[pos_]))) ++pos_;
      if (src_.substr(pos_, 2) != "--") break;
      pos_ += 2;
      int level = 0;
      if (size_t n = long_bracket(pos_, level)) {
        size_t p = pos_ + n;
        if (!skip_long(p, level)) return set(Tok::Error, "unfinished long comment");
        pos_ = p;
      } else {
        size_t nl = src_.find('\n', pos_);
        // The placeholder is closed on the same line; a line comment swallows that close.
        if (nl == std::string_view::npos) return set(Tok::Error, "')' expected near <eof>");
        pos_ = nl + 1;
      }
    }
    if (pos_ >= src_.size()) return set(Tok::Eof, "<eof>");
    unsigned char c = static_cast<unsigned char>(src_[pos_]);
    size_t start = pos_;
    if (std::isalpha(c) || c == '_') {
      while (pos_ < src_.size() &&
             (std::isalnum(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_'))
        ++pos_;
      std::string w(src_.substr(start, pos_ - start));
      return set(is_keyword(w) ? Tok::Keyword : Tok::Name, w);
    }
    if (std::isdigit(c) || (c == '.' && pos_ + 1 < src_.size() &&
                            std::isdigit(static_cast<unsigned char>(src_[pos_ + 1])))) {
      // Lua reads a number greedily as [%w.] plus exponent signs, then checks it.
      while (pos_ < src_.size()) {
        unsigned char d = static_cast<unsigned char>(src_[pos_]);
        if (std::isalnum(d) || d == '.' || d == '_') {
          ++pos_;
        } else if ((d == '+' || d == '-') && (src_[pos_ - 1] == 'e' || src_[pos_ - 1] == 'E')) {
          ++pos_;
        } else {
          break;
        }
      }
      std::string n(src_.substr(start, pos_ - start));
      static const std::regex number(
          R"(^(0[xX][0-9a-fA-F]+|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)$)");
      if (!std::regex_match(n, number)) return set(Tok::Error, "malformed number near '" + n + "'");
      return set(Tok::Number, n);
    }
    if (c == '"' || c == '\'') {
      ++pos_;
      while (pos_ < src_.size() && src_[pos_] != c) {
        if (src_[pos_] == '\n') break;
        pos_ += src_[pos_] == '\\' ? 2 : 1;
      }
      if (pos_ >= src_.size() || src_[pos_] != c) return set(Tok::Error, "unfinished string");
      ++pos_;
      return set(Tok::String, std::string(src_.substr(start, pos_ - start)));
    }
    int level = 0;
    if (size_t n = long_bracket(pos_, level)) {
      size_t p = pos_ + n;
      if (!skip_long(p, level)) return set(Tok::Error, "unfinished long string");
      pos_ = p;
      return set(Tok::String, std::string(src_.substr(start, pos_ - start)));
    }
    static const char* const symbols[] = {"...", "..", "==", "~=", "<=", ">=", "+", "-", "*", "/",
                                          "%",   "^",  "#",  "<",  ">",  "=",  "(", ")", "{", "}",
                                          "[",   "]",  ";",  ":",  ",",  "."};
    for (const char* s : symbols) {
      std::string_view sv(s);
      if (src_.substr(pos_, sv.size()) == sv) {
        pos_ += sv.size();
        return set(Tok::Symbol, std::string(sv));
      }
    }
    ++pos_;
    return set(Tok::Error, "unexpected symbol near '" + std::string(1, static_cast<char>(c)) + "'");
  }
  void set(Tok t, std::string text) {
    tok_ = t;
    text_ = std::move(text);
    if (t == Tok::Error) fail_bool(text_);
  }

  bool is(Tok t, const char* text) const { return tok_ == t && text_ == text; }
  bool sym(const char* s) const { return is(Tok::Symbol, s); }
  bool kw(const char* s) const { return is(Tok::Keyword, s); }
  bool expect_sym(const char* s) {
    if (!sym(s)) return fail_bool(std::string("'") + s + "' expected near '" + text_ + "'");
    next();
    return true;
  }

  static bool is_binop(Tok t, const std::string& x) {
    if (t == Tok::Keyword) return x == "and" || x == "or";
    if (t != Tok::Symbol) return false;
    static const std::set<std::string> ops = {"+",  "-",  "*",  "/", "%",  "^", "..",
                                              "==", "~=", "<", "<=", ">", ">="};
    return ops.count(x) > 0;
  }

  bool expr() {
    for (;;) {
      while (kw("not") || sym("-") || sym("#")) next();
      if (!simple_expr()) return false;
      if (!is_binop(tok_, text_)) return true;
      next();
    }
  }

  bool simple_expr() {
    if (tok_ == Tok::Error) return false;
    if (tok_ == Tok::Number || tok_ == Tok::String || kw("nil") || kw("true") || kw("false") ||
        sym("...")) {
      next();
      return true;
    }
    if (sym("{")) return table();
    if (kw("function")) return function_body();
    return suffixed_expr();
  }

  bool suffixed_expr() {
    if (tok_ == Tok::Name) {
      next();
    } else if (sym("(")) {
      next();
      if (!expr() || !expect_sym(")")) return false;
    } else {
      return fail_bool("unexpected symbol near '" + text_ + "'");
    }
    for (;;) {
      if (sym(".")) {
        next();
        if (tok_ != Tok::Name) return fail_bool("<name> expected near '" + text_ + "'");
        next();
      } else if (sym("[")) {
        next();
        if (!expr() || !expect_sym("]")) return false;
      } else if (sym(":")) {
        next();
        if (tok_ != Tok::Name) return fail_bool("<name> expected near '" + text_ + "'");
        next();
        if (!call_args()) return false;
      } else if (sym("(") || sym("{") || tok_ == Tok::String) {
        if (!call_args()) return false;
      } else {
        return tok_ != Tok::Error;
      }
    }
  }

  bool call_args() {
    if (tok_ == Tok::String) {
      next();
      return true;
    }
    if (sym("{")) return table();
    if (!sym("(")) return fail_bool("function arguments expected near '" + text_ + "'");
    next();
    if (sym(")")) {
      next();
      return true;
    }
    for (;;) {
      if (!expr()) return false;
      if (!sym(",")) break;
      next();
    }
    return expect_sym(")");
  }

  bool table() {
    next();  // '{'
    while (!sym("}")) {
      if (sym("[")) {
        next();
        if (!expr() || !expect_sym("]") || !expect_sym("=")) return false;
      } else if (tok_ == Tok::Name) {
        // `name = value` or an expression starting with a name: look one token ahead.
        size_t save_pos = pos_;
        std::string save_text = text_;
        next();
        if (sym("=")) {
          next();
        } else {
          pos_ = save_pos - save_text.size();
          next();
        }
      }
      if (!expr()) return false;
      if (sym(",") || sym(";")) {
        next();
      } else if (!sym("}")) {
        return fail_bool("'}' expected near '" + text_ + "'");
      }
    }
    next();
    return true;
  }

  // Function literals hold statements; only their block structure is followed.
  bool function_body() {
    int depth = 1;
    next();
    while (depth > 0) {
      if (tok_ == Tok::Eof || tok_ == Tok::Error) return fail_bool("'end' expected near <eof>");
      if (kw("function") || kw("do") || kw("then") || kw("repeat")) {
        ++depth;  // `if ... then` opens its block at `then`
      } else if (kw("end") || kw("until")) {
        --depth;
      } else if (kw("elseif")) {
        --depth;  // its `then` reopens
      } else if (kw("while") || kw("for")) {
        --depth;  // their `do` opens the block
      }
      next();
    }
    return true;
  }
};

// Lua's `%b()` after "$": each balanced placeholder in the template text.
std::optional<std::string> template_error(const std::string& value) {
  for (size_t i = 0; i + 1 < value.size(); ++i) {
    if (value[i] != '$' || value[i + 1] != '(') continue;
    int depth = 0;
    size_t j = i + 1;
    for (; j < value.size(); ++j) {
      if (value[j] == '(') ++depth;
      if (value[j] == ')' && --depth == 0) break;
    }
    if (j >= value.size()) continue;  // unbalanced: stays literal text
    std::string inner = value.substr(i + 2, j - i - 2);
    if (auto err = LuaExprChecker(inner).check()) {
      return "[string \"TMP\"]:1: " + *err;
    }
    i = j;
  }
  return std::nullopt;
}

// Entries must have a colon setting the key and value apart, and a compilable value.
bool check_for_value(const Value& entry, std::string& err) {
  auto pair = split_pair(entry.as_string());
  if (!pair || pair->second.empty()) {
    err = "key '" + (pair ? pair->first : std::string()) + "' has no value";
    return false;
  }
  if (auto terr = template_error(pair->second)) {
    err = "value '" + pair->second + "' is not in supported format, error:" + *terr;
    return false;
  }
  return true;
}

Field strings_array() {
  return Field::array(Field::string()).def(Value::array()).required();
}

Field headers_array() {
  return Field::array(Field::string().custom_validator(
                          [](const Value& v, std::string& e) { return validate_header_pair(v, e, false); }))
      .def(Value::array())
      .required();
}

Field strings_array_record() {
  return Field::record({
      {"body", strings_array()},
      {"headers", headers_array()},
      {"querystring", strings_array()},
  });
}

Field colon_strings_array() {
  return Field::array(Field::string().custom_validator(check_for_value))
      .def(Value::array())
      .required();
}

Field colon_header_value_array() {
  return Field::array(Field::string().match("^[^:]+:.*$").custom_validator(
                          [](const Value& v, std::string& e) { return validate_header_pair(v, e, false); }))
      .def(Value::array())
      .required();
}

Fields colon_strings_array_record_fields() {
  return {
      {"body", colon_strings_array()},
      {"headers", colon_header_value_array()},
      {"querystring", colon_strings_array()},
  };
}

Field colon_headers_array() {
  return Field::array(Field::string().match("^[^:]+:.*$").custom_validator(
                          [](const Value& v, std::string& e) { return validate_header_pair(v, e, true); }))
      .def(Value::array())
      .required();
}

Field colon_rename_strings_array_record() {
  return Field::record({
      {"body", colon_strings_array()},
      {"headers", colon_headers_array()},
      {"querystring", colon_strings_array()},
  });
}

Field colon_strings_array_record_plus_uri() {
  Fields fields = colon_strings_array_record_fields();
  fields.emplace_back("uri", Field::string());
  return Field::record(std::move(fields));
}

}  // namespace

bool validate_header_pair(const Value& entry, std::string& err, bool validate_value) {
  auto pair = split_pair(entry.as_string());
  std::string name = pair ? pair->first : std::string();
  if (!valid_header_name(name)) {
    err = "'" + (pair ? name : std::string("nil")) + "' is not a valid header";
    return false;
  }
  if (validate_value && !valid_header_name(pair->second)) {
    err = "'" + pair->second + "' is not a valid header";
    return false;
  }
  return true;
}

Schema request_transformer_plugin() {
  Schema s;
  s.name = "request-transformer";
  s.fields = {
      {"protocols", typedefs::protocols()},
      {"config", Field::record({
           {"http_method", typedefs::http_method()},
           {"remove", strings_array_record()},
           {"rename", colon_rename_strings_array_record()},
           {"replace", colon_strings_array_record_plus_uri()},
           {"add", Field::record(colon_strings_array_record_fields())},
           {"append", Field::record(colon_strings_array_record_fields())},
       })},
  };
  return s;
}

// Priority: Kong's handler.lua PRIORITY. kongdb carries none of its entities.
const BundledPlugin request_transformer_descriptor = {"request-transformer", 801, &request_transformer_plugin, {}};

}  // namespace kongdb::schema::entities
