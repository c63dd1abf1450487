// Arguments as endpoints see them: the transport's decoded query and body (request_decoding.h),
// then form and query strings coerced by the schema, as Kong's kong/api/arguments.lua infers them.
#include <cerrno>
#include <cstdlib>

#include "admin/api/api_internal.h"
#include "kongdb/admin/request_decoding.h"

namespace kongdb::admin::api {

using schema::Field;
using schema::FieldType;
using schema::Schema;

namespace {

// Lua's tonumber for the decimal forms a form field carries; nullopt when not a number.
std::optional<Value> to_number(const std::string& s) {
  if (s.empty() || s.find_first_of("iInNxX") != std::string::npos) return std::nullopt;
  const char* begin = s.c_str();
  char* end = nullptr;
  errno = 0;
  long long i = std::strtoll(begin, &end, 10);
  if (end != begin && *end == '\0' && errno == 0) return Value(i);
  end = nullptr;
  double d = std::strtod(begin, &end);
  if (end != begin && *end == '\0') return Value(d);
  return std::nullopt;
}

void infer_fields(Value& args, const Schema& schema) {
  if (!args.is_object()) return;
  const Schema* sub = schema.get_subschema(args);
  for (auto& [name, value] : args.as_object()) {
    if (const Field* f = schema.resolve_field(name, sub)) {
      value = infer_value(value, *f);
      continue;
    }
    for (const auto& sh : schema.shorthand_fields) {
      if (sh.name == name) {
        value = infer_value(value, sh.field);
        break;
      }
    }
  }
}

}  // namespace

Value infer_value(const Value& value, const Field& field) {
  if (value.is_string() && value.as_string().empty()) return Value();
  if (value.is_null()) return value;
  switch (field.type()) {
    case FieldType::Number:
    case FieldType::Integer:
      if (value.is_string()) {
        if (auto n = to_number(value.as_string())) return *n;
      }
      return value;
    case FieldType::Boolean:
      if (value.is_string() && value.as_string() == "true") return Value(true);
      if (value.is_string() && value.as_string() == "false") return Value(false);
      return value;
    case FieldType::Array:
    case FieldType::Set: {
      Value out = value.is_array() ? value : Value::array({value});
      if (field.elements_) {
        for (Value& item : out.as_array()) item = infer_value(item, *field.elements_);
      }
      return out;
    }
    case FieldType::Foreign:
      if (value.is_object() && field.foreign_schema_) {
        Value out = value;
        infer_fields(out, *field.foreign_schema_);
        return out;
      }
      return value;
    case FieldType::Map:
      if (value.is_object() && field.values_) {
        Value out = value;
        for (auto& [k, v] : out.as_object()) v = infer_value(v, *field.values_);
        return out;
      }
      return value;
    case FieldType::Record:
      if (value.is_object() && field.fields_ && !field.is(field.abstract_)) {
        Value out = value;
        infer_fields(out, *field.fields_);
        return out;
      }
      return value;
    default:
      return value;
  }
}

void infer_arguments(Value& args, const Schema& schema) {
  if (!args.is_object()) return;
  infer_fields(args, schema);
  if (schema.ttl) {
    if (Value* ttl = args.find("ttl"); ttl && ttl->is_string()) {
      if (auto n = to_number(ttl->as_string())) *ttl = *n;
    }
  }
}

std::optional<Response> read_arguments(Call& call) {
  auto args = decode_arguments(call.request, call.query);
  if (!args) return message_response(400, args.error().message);
  const std::string& m = call.request.method;
  const bool needs_body = m == "POST" || m == "PUT" || m == "PATCH";
  if (needs_body && args->body_kind == BodyKind::Other) {
    return message_response(415, "Unsupported Media Type");
  }
  call.uri_args = std::move(args->uri);
  if (needs_body) {
    if (args->body_kind == BodyKind::Json && !args->post.is_object()) {
      return message_response(400, "Cannot parse JSON body");
    }
    call.post_args = args->post.is_object() ? std::move(args->post) : Value::object();
    call.form_body = args->body_kind == BodyKind::Form || args->body_kind == BodyKind::Multipart;
  }
  return std::nullopt;
}

}  // namespace kongdb::admin::api
