// The backend-neutral table model: offset tokens, primary keys, write workspaces. Written for kongdb.
#include "strategy/model/table_layout.h"

#include <utility>

#include "kongdb/core/base64.h"
#include "kongdb/core/ids.h"
#include "kongdb/core/json.h"

namespace kongdb::strategy::model {

std::string encode_offset(Array keys) {
  return base64::encode(json::encode(Value(std::move(keys))));
}

Result<std::vector<Value>> decode_offset(const std::string& token,
                                         const std::vector<bool>& pk_is_uuid) {
  auto raw = base64::decode(token);
  if (!raw) return errors::invalid_offset(token, "bad base64 encoding");
  auto parsed = json::parse(*raw);
  if (!parsed || !parsed->is_array() || parsed->as_array().size() != pk_is_uuid.size()) {
    return errors::invalid_offset(token, "bad json encoding");
  }
  std::vector<Value> out;
  for (size_t i = 0; i < parsed->as_array().size(); ++i) {
    const Value& v = parsed->as_array()[i];
    // A token we issued carries real keys; anything else was forged or truncated (and would
    // make a typed key column fail).
    if (pk_is_uuid[i] && !(v.is_string() && is_valid_uuid(v.as_string()))) {
      return errors::invalid_offset(token, "bad primary key");
    }
    if (!v.is_string() && !v.is_number()) {
      return errors::invalid_offset(token, "bad json encoding");
    }
    out.push_back(v);
  }
  return out;
}

Value pk_of(const std::vector<std::string>& pk_fields, const Value& row) {
  Object pk;
  for (const auto& name : pk_fields) {
    const Value* v = row.find(name);
    pk.set(name, v ? *v : Value());
  }
  return Value(std::move(pk));
}

std::string write_ws(const Value& row, const QueryOptions& opts) {
  if (!opts.ws_id.empty()) return opts.ws_id;
  if (const Value* ws = row.find("ws_id"); ws && ws->is_string()) return ws->as_string();
  return {};
}

Value row_with_field(const Value& row, std::string_view field, const Value& value) {
  Value full = row.is_object() ? row : Value::object();
  full.as_object().set(std::string(field), value);
  return full;
}

}  // namespace kongdb::strategy::model
