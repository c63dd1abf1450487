// Error: Kong's error object (`err_t`), with its numeric codes, names and message formats.
//
//   Error e = errors::not_found(Value::object({{"id", id}}));
//   e.code == ErrorCode::NotFound; e.message == "could not find the entity with primary key '{id=\"...\"}'"
// Port of kong/db/errors.lua.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kongdb/core/value.h"

namespace kongdb {

enum class ErrorCode : int {
  InvalidPrimaryKey = 1,
  SchemaViolation = 2,
  PrimaryKeyViolation = 3,
  ForeignKeyViolation = 4,
  UniqueViolation = 5,
  NotFound = 6,
  InvalidOffset = 7,
  DatabaseError = 8,
  InvalidSize = 9,
  InvalidUnique = 10,
  InvalidOptions = 11,
  OperationUnsupported = 12,
  ForeignKeysUnresolved = 13,
  DeclarativeConfig = 14,
  TransformationError = 15,
  InvalidForeignKey = 16,
  InvalidWorkspace = 17,
  InvalidUniqueGlobal = 18,
  ReferencedByOthers = 19,
};

/// Kong's name for a code ("schema violation"); INVALID_UNIQUE's is a format ("invalid unique %s").
std::string_view error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::DatabaseError;
  std::string name;
  std::string message;
  /// The `fields` table (or `options` for INVALID_OPTIONS); null when the error has none.
  Value fields;
  /// Set by the strategy that produced it ("sqlite", "postgres"); empty otherwise.
  std::string strategy;

  /// `[strategy] message`, or just the message when no strategy is set (Kong's tostring).
  std::string to_string() const;
  /// The JSON object Kong returns: {code, name, message, fields|options[, strategy]}.
  Value to_value(bool with_strategy = false) const;
};

/// Renders a table as penlight's pretty.write(t, "") does: keys sorted, strings quoted,
/// no spaces ({id="abc"}). Nulls inside arrays are holes, as in Lua's sparse error tables.
std::string pretty_compact(const Value& v);
/// penlight's pretty.write(t) with its default two-space indentation and newlines.
std::string pretty_indented(const Value& v);

namespace errors {

Error make(ErrorCode code, std::string message, Value fields = Value());
Error invalid_primary_key(const Value& pk_errors);
Error invalid_foreign_key(const Value& fk_errors);
Error schema_violation(const Value& field_errors);
Error primary_key_violation(const Value& pk);
Error foreign_key_violation_invalid_reference(const Value& fk, const std::string& field_name,
                                              const std::string& parent_name);
Error foreign_key_violation_restricted(const std::string& parent_name,
                                       const std::string& child_name);
/// `unresolved` is {field = {unique_field = {name=, value=, parent=}}} as the DAO builds it.
Error foreign_keys_unresolved(Value unresolved);
Error unique_violation(const Value& unique_key);
Error not_found(const Value& pk);
Error not_found_by_field(const Value& filter);
Error invalid_offset(std::string_view offset, std::string_view why);
Error database_error(std::string message = {});
Error invalid_size(std::string message);
Error invalid_unique(std::string_view field_name, std::string message);
Error invalid_options(const Value& option_errors);
Error operation_unsupported(std::string message);
Error declarative_config(const Value& field_errors);
Error transformation_error(std::string message);
Error invalid_workspace(std::string_view ws_id);
Error invalid_unique_global(std::string_view field_name);
Error referenced_by_others(std::string message);

}  // namespace errors
}  // namespace kongdb
