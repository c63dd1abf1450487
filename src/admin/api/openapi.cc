// GET /openapi.json: an OpenAPI 3 description of the route table, with one component schema per
// entity generated from the same schema definitions the DAO validates with. Kong has no such
// document; it is ours.
#include "admin/api/api_internal.h"

namespace kongdb::admin::api {

using schema::Field;
using schema::FieldType;
using schema::Schema;

namespace {

Value field_schema(const Field& f);

// OpenAPI 3.0 marks null with `nullable: true`. Kong answers every field of an entity, with null
// where an optional one has no value, so each field that is not required is nullable.
Value property_schema(const Field& f) {
  Value out = field_schema(f);
  if (!f.is_required() && out.is_object()) out.as_object().set("nullable", true);
  return out;
}

Value record_schema(const schema::Fields& fields) {
  Object props;
  Value required = Value::array();
  for (const auto& [name, f] : fields) {
    props.set(name, property_schema(f));
    if (f.is_required() && !f.default_) required.as_array().emplace_back(name);
  }
  Value out = Value::object({{"type", "object"}, {"properties", Value(std::move(props))}});
  if (!required.as_array().empty()) out.as_object().set("required", std::move(required));
  return out;
}

Value field_schema(const Field& f) {
  Value out = Value::object();
  Object& o = out.as_object();
  switch (f.type()) {
    case FieldType::String: o.set("type", "string"); break;
    case FieldType::Integer: o.set("type", "integer"); break;
    case FieldType::Number: o.set("type", "number"); break;
    case FieldType::Boolean: o.set("type", "boolean"); break;
    case FieldType::Array:
    case FieldType::Set:
      o.set("type", "array");
      o.set("items", f.elements_ ? field_schema(*f.elements_) : Value::object());
      if (f.type() == FieldType::Set) o.set("uniqueItems", true);
      break;
    case FieldType::Map:
      o.set("type", "object");
      o.set("additionalProperties", f.values_ ? field_schema(*f.values_) : Value::object());
      break;
    case FieldType::Record:
      out = f.fields_ ? record_schema(f.fields_->fields) : Value::object({{"type", "object"}});
      break;
    case FieldType::Foreign:
      out = Value::object({{"type", "object"},
                           {"properties", Value::object({{"id", Value::object({{"type", "string"},
                                                                               {"format", "uuid"}})}})}});
      break;
    default: break;
  }
  if (!out.is_object()) return out;
  Object& r = out.as_object();
  if (f.is(f.uuid_)) r.set("format", "uuid");
  if (f.default_) r.set("default", *f.default_);
  if (f.one_of_) {
    Value e = Value::array();
    for (const Value& v : *f.one_of_) e.as_array().push_back(v);
    r.set("enum", std::move(e));
  }
  if (f.between_) {
    r.set("minimum", f.between_->first);
    r.set("maximum", f.between_->second);
  }
  if (f.len_min_ && f.type() == FieldType::String) r.set("minLength", *f.len_min_);
  if (f.len_max_ && f.type() == FieldType::String) r.set("maxLength", *f.len_max_);
  if (f.description_) r.set("description", *f.description_);
  return out;
}

Value ref_to(const Schema& s) {
  return Value::object({{"$ref", "#/components/schemas/" + s.name}});
}

Value json_content(Value schema) {
  return Value::object({{"application/json", Value::object({{"schema", std::move(schema)}})}});
}

Value described(const std::string& text, std::optional<Value> body = std::nullopt) {
  Value r = Value::object({{"description", text}});
  if (body) r.as_object().set("content", json_content(std::move(*body)));
  return r;
}

Value operation(const Route& route, const std::string& method) {
  Value params = Value::array();
  for (const auto& seg : route.segments) {
    if (!seg.starts_with(':')) continue;
    params.as_array().push_back(Value::object({{"name", seg.substr(1)},
                                               {"in", "path"},
                                               {"required", true},
                                               {"schema", Value::object({{"type", "string"}})}}));
  }
  const bool collection = !route.segments.empty() && !route.segments.back().starts_with(':');
  const bool answers_page = route.schema && method == "GET" && (collection || route.get_answers_page);
  if (answers_page) {
    for (const char* q : {"size", "offset", "tags"}) {
      params.as_array().push_back(Value::object({{"name", q},
                                                 {"in", "query"},
                                                 {"schema", Value::object({{"type", "string"}})}}));
    }
  }
  Value op = Value::object({{"summary", method + " " + route.pattern}, {"parameters", std::move(params)}});
  Object responses;
  const Value error = Value::object({{"$ref", "#/components/schemas/error"}});
  if (route.schema && (method == "POST" || method == "PUT" || method == "PATCH")) {
    op.as_object().set("requestBody", Value::object({{"content", json_content(ref_to(*route.schema))}}));
  }
  if (method == "DELETE") {
    responses.set("204", described("deleted (also when it did not exist)"));
  } else if (answers_page) {
    Value page = Value::object(
        {{"type", "object"},
         {"properties", Value::object({{"data", Value::object({{"type", "array"}, {"items", ref_to(*route.schema)}})},
                                       {"next", Value::object({{"type", "string"}, {"nullable", true}})},
                                       {"offset", Value::object({{"type", "string"}})}})}});
    responses.set("200", described("a page", page));
  } else if (route.schema) {
    responses.set(method == "POST" ? "201" : "200", described("the entity", ref_to(*route.schema)));
  } else {
    responses.set("200", described("success", Value::object({{"type", "object"}})));
  }
  // Every status the handler and the transport answer for this operation, all with Kong's error
  // object.
  const bool has_body = method == "POST" || method == "PUT" || method == "PATCH";
  responses.set("400", described("invalid input (a schema violation, a malformed body or argument)", error));
  responses.set("401", described("the admin token is set and the request does not carry it", error));
  responses.set("404", described("not found", error));
  if (has_body) {
    responses.set("409", described("unique violation", error));
    responses.set("413", described("the body is larger than the server accepts", error));
    responses.set("415", described("the body's media type is not JSON, form-urlencoded or multipart", error));
  }
  responses.set("500", described("an unexpected error (the database failed)", error));
  op.as_object().set("responses", Value(std::move(responses)));
  return op;
}

std::string method_key(const std::string& m) {
  std::string out;
  for (char c : m) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

}  // namespace

Value openapi_document(const Api& api) {
  Object paths;
  for (const Route& r : api.routes()) {
    std::string path;
    for (const auto& seg : r.segments) path += "/" + (seg.starts_with(':') ? "{" + seg.substr(1) + "}" : seg);
    if (path.empty()) path = "/";
    Object item;
    for (const auto& [method, _] : r.methods) {
      if (!r.always_refused.contains(method)) item.set(method_key(method), operation(r, method));
    }
    paths.set(path, Value(std::move(item)));
  }
  Object schemas;
  for (const Schema* s : api.registry().all()) schemas.set(s->name, record_schema(s->fields));
  schemas.set("error",
              Value::object({{"type", "object"},
                             {"properties", Value::object({{"code", Value::object({{"type", "integer"}})},
                                                           {"name", Value::object({{"type", "string"}})},
                                                           {"message", Value::object({{"type", "string"}})},
                                                           {"fields", Value::object({{"type", "object"}})}})},
                             {"required", Value::array({"message"})}}));
  return Value::object({
      {"openapi", "3.0.3"},
      {"info", Value::object({{"title", "kongdb Admin API"}, {"version", kKongCompatibleVersion}})},
      {"paths", Value(std::move(paths))},
      {"components", Value::object({{"schemas", Value(std::move(schemas))}})},
  });
}

}  // namespace kongdb::admin::api
