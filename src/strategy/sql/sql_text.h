// The SQL text every dialect writes alike: identifier and literal quoting, the statement
// builder (text and parameters built together), query results and error tagging. Written for
// kongdb.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kongdb/core/error.h"

namespace kongdb::strategy::sql {

/// SQL identifier quoting ("a""b").
std::string ident(std::string_view name);
/// SQL string literal quoting ('a''b'), for DDL where parameters cannot be bound.
std::string string_literal(std::string_view text);
/// "a", "b", ... quoted and comma-separated.
std::string join_idents(const std::vector<std::string>& names);
/// Kong's on_delete ("cascade", "null", "restrict") as a referential action.
std::string_view on_delete_sql(const std::string& on_delete);

/// Kong's migration lists (schema_meta executed/pending) read back from JSON text.
std::vector<std::string> json_strings(const std::string* json_text);

/// SQL text plus its parameters, built together so placeholders and values cannot drift.
/// Values are never spliced into SQL. The dialect `D` writes the placeholders.
template <class D>
struct Sql {
  using Param = typename D::Param;
  std::string text;
  std::vector<Param> params;

  Sql& add(std::string_view s) {
    text += s;
    return *this;
  }
  /// Appends the placeholder of `p`, then `suffix` (a cast such as "::uuid", where the dialect
  /// has them).
  Sql& bind(Param p, std::string_view suffix = {}) {
    params.push_back(std::move(p));
    D::placeholder(text, params.size());
    text += suffix;
    return *this;
  }
};

/// What a statement returned: its rows, and how many rows it changed when it wrote.
template <class Row>
struct QueryResult {
  std::vector<Row> rows;
  int64_t affected = 0;
};

/// Every error leaving a dialect carries its strategy name.
template <class D>
Error tag(Error e) {
  e.strategy = std::string(D::kName);
  return e;
}

template <class D>
Error db_error(std::string message) {
  return tag<D>(errors::database_error(std::move(message)));
}

}  // namespace kongdb::strategy::sql
