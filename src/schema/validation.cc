// Port of the schema steps of kong/db/dao/init.lua check_insert.
#include "kongdb/schema/validation.h"

namespace kongdb::schema {

Result<Value> prepare_insert(const Schema& schema, Value input, const AutoFieldsOptions& opts) {
  if (!input.is_object()) {
    return errors::schema_violation(Value::object({{"@entity", Value::array({"expected an input table"})}}));
  }
  auto processed = schema.process_auto_fields(std::move(input), Context::Insert, opts);
  if (!processed) return errors::schema_violation(processed.error());
  if (auto errs = schema.validate_insert(processed->data)) return errors::schema_violation(*errs);
  if (schema.has_transformations(processed->data)) {
    auto transformed = schema.transform(processed->data, nullptr, Context::Insert);
    if (!transformed) return errors::transformation_error(transformed.error());
    return std::move(*transformed);
  }
  return std::move(processed->data);
}

}  // namespace kongdb::schema
