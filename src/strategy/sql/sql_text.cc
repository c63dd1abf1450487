// Quoting and the small text helpers of the SQL family. Written for kongdb.
#include "strategy/sql/sql_text.h"

#include "kongdb/core/json.h"
#include "kongdb/core/value.h"

namespace kongdb::strategy::sql {

namespace {
std::string quoted(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    if (c == quote) out += quote;
    out += c;
  }
  return out + quote;
}
}  // namespace

std::string ident(std::string_view name) { return quoted(name, '"'); }

std::string string_literal(std::string_view text) { return quoted(text, '\''); }

std::string join_idents(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += ident(n);
  }
  return out;
}

std::string_view on_delete_sql(const std::string& on_delete) {
  if (on_delete == "cascade") return "CASCADE";
  if (on_delete == "null") return "SET NULL";
  return "RESTRICT";
}

std::vector<std::string> json_strings(const std::string* json_text) {
  std::vector<std::string> out;
  if (!json_text) return out;
  auto parsed = json::parse(*json_text);
  if (!parsed || !parsed->is_array()) return out;
  for (const Value& v : parsed->as_array()) {
    if (v.is_string()) out.push_back(v.as_string());
  }
  return out;
}

}  // namespace kongdb::strategy::sql
