// GET /openapi.json: an OpenAPI 3 description of the route table, with one component schema per
// entity generated from the same schema definitions the DAO validates with. Kong has no such
// document; it is ours.
#include <cmath>

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

// A whole bound as an integer (1000000, not 1e+06: YAML 1.1 readers of the document take an
// exponent without a dot for a string).
Value bound(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) return Value(static_cast<int64_t>(v));
  return Value(v);
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
    r.set("minimum", bound(f.between_->first));
    r.set("maximum", bound(f.between_->second));
  }
  if (f.len_min_ && f.type() == FieldType::String) r.set("minLength", *f.len_min_);
  if (f.len_max_ && f.type() == FieldType::String) r.set("maxLength", *f.len_max_);
  if (f.description_) r.set("description", *f.description_);
  return out;
}

Value ref_named(const std::string& component) {
  return Value::object({{"$ref", "#/components/schemas/" + component}});
}

Value ref_to(const Schema& s) { return ref_named(s.name); }

/// The component of one specialisation ("plugins.cors"): the entity's fields as that subschema
/// redefines them, with the key field fixed to the subschema's name.
std::string variant_component(const Schema& s, const std::string& key) { return s.name + "." + key; }

Value variant_schema(const Schema& s, const std::string& key, const Schema& sub) {
  schema::Fields fields;
  for (const auto& [name, f] : s.fields) fields.emplace_back(name, *s.resolve_field(name, &sub));
  Value out = record_schema(fields);
  Value fixed = Value::object({{"type", "string"}, {"enum", Value::array({Value(key)})}});
  out.as_object().find("properties")->as_object().set(*s.subschema_key, std::move(fixed));
  return out;
}

/// An entity specialised by a string key field (plugins by `name`) is a union of its
/// specialisations, discriminated on that field, so each plugin's `config` is checked against its
/// own schema. (Routes are specialised by their `protocols` set, which no discriminator can name.)
bool is_union(const Schema& s) {
  if (!s.subschema_key || s.subschemas.empty()) return false;
  const Field* key = s.field(*s.subschema_key);
  return key && key->type() == FieldType::String;
}

Value union_schema(const Schema& s) {
  Value one_of = Value::array();
  Object mapping;
  for (const auto& [key, _] : s.subschemas) {
    one_of.as_array().push_back(ref_named(variant_component(s, key)));
    mapping.set(key, "#/components/schemas/" + variant_component(s, key));
  }
  return Value::object({{"oneOf", std::move(one_of)},
                        {"discriminator", Value::object({{"propertyName", *s.subschema_key},
                                                         {"mapping", Value(std::move(mapping))}})}});
}

// --- form bodies: Kong reads `a.b=x` as {a={b=x}} and repeated names as arrays ---

bool is_scalar(const Field& f) {
  switch (f.type()) {
    case FieldType::String:
    case FieldType::Integer:
    case FieldType::Number:
    case FieldType::Boolean: return true;
    default: return false;
  }
}

/// The flat properties of a form body: scalars, arrays of scalars (one name repeated), records
/// and foreign keys by dotted names. Maps and arrays of records have no form spelling here
/// (Kong's `a[1].b` form): they are sent as JSON.
void form_properties(const schema::Fields& fields, const std::string& prefix, Object& out) {
  for (const auto& [name, f] : fields) {
    const std::string key = prefix + name;
    if (is_scalar(f) || ((f.type() == FieldType::Array || f.type() == FieldType::Set) && f.elements_ &&
                         is_scalar(*f.elements_))) {
      out.set(key, property_schema(f));
    } else if (f.type() == FieldType::Record && f.fields_) {
      form_properties(f.fields_->fields, key + ".", out);
    } else if (f.type() == FieldType::Foreign) {
      out.set(key + ".id", Value::object({{"type", "string"}, {"format", "uuid"}}));
    }
  }
}

std::string form_component(const Schema& s) { return s.name + ".form"; }

Value form_schema(const schema::Fields& fields) {
  Object props;
  form_properties(fields, "", props);
  return Value::object({{"type", "object"}, {"properties", Value(std::move(props))}});
}

/// JSON, form-urlencoded and multipart bodies, as the Admin API reads all three.
Value request_body(const Schema& s) {
  Value json = Value::object({{"schema", ref_to(s)}});
  Value form = Value::object({{"schema", ref_named(form_component(s))}});
  Object content;
  content.set("application/json", std::move(json));
  content.set("application/x-www-form-urlencoded", form);
  content.set("multipart/form-data", std::move(form));
  return Value::object({{"content", Value(std::move(content))}});
}

Value json_content(Value schema) {
  return Value::object({{"application/json", Value::object({{"schema", std::move(schema)}})}});
}

Value described(const std::string& text, std::optional<Value> body = std::nullopt) {
  Value r = Value::object({{"description", text}});
  if (body) r.as_object().set("content", json_content(std::move(*body)));
  return r;
}

std::string method_key(const std::string& m) {
  std::string out;
  for (char c : m) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

/// "get_services_services" for GET /services/:services: unique per method and pattern.
std::string operation_id(const Route& route, const std::string& method) {
  std::string id = method_key(method);
  for (const std::string& seg : route.segments) {
    id += '_';
    for (char c : seg.starts_with(':') ? seg.substr(1) : seg) {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      id += alnum ? c : '_';
    }
  }
  return id;
}

size_t parameter_count(const Route& r) {
  size_t n = 0;
  for (const std::string& seg : r.segments) n += seg.starts_with(':') ? 1 : 0;
  return n;
}

/// Links from a created entity to what its id opens: its own item route (/services/{services})
/// and the routes under it that need no other parameter (/services/{services}/routes), so a
/// stateful client can create an entity and then read, change, nest under and delete it.
Value creation_links(const Api& api, const Schema& s) {
  Object links;
  if (s.primary_key.size() != 1) return Value(std::move(links));
  const Route* item = nullptr;
  for (const Route& r : api.routes()) {
    if (r.schema == &s && r.segments.size() == 2 && !r.segments[0].starts_with(':') &&
        r.segments[1].starts_with(':')) {
      item = &r;
      break;
    }
  }
  if (!item) return Value(std::move(links));
  const std::string param = item->segments[1].substr(1);
  const Value id_of_created("$response.body#/" + s.primary_key[0]);
  for (const Route& r : api.routes()) {
    if (r.segments.size() < 2 || r.segments[0] != item->segments[0] || r.segments[1] != item->segments[1] ||
        parameter_count(r) != 1) {
      continue;
    }
    for (const auto& [method, _] : r.methods) {
      if (r.always_refused.contains(method)) continue;
      links.set(operation_id(r, method),
                Value::object({{"operationId", operation_id(r, method)},
                               {"parameters", Value::object({{param, id_of_created}})}}));
    }
  }
  return Value(std::move(links));
}

Value operation(const Api& api, const Route& route, const std::string& method) {
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
  Value op = Value::object({{"operationId", operation_id(route, method)},
                            {"summary", method + " " + route.pattern},
                            {"parameters", std::move(params)}});
  Object responses;
  const Value error = Value::object({{"$ref", "#/components/schemas/error"}});
  if (route.schema && (method == "POST" || method == "PUT" || method == "PATCH")) {
    op.as_object().set("requestBody", request_body(*route.schema));
  }
  if (method == "GET" && route.get_response_schema) {
    responses.set("200", described("success", *route.get_response_schema));
  } else if (method == "DELETE") {
    responses.set("204", described("deleted (also when it did not exist)"));
  } else if (answers_page) {
    Value page = Value::object(
        {{"type", "object"},
         {"properties", Value::object({{"data", Value::object({{"type", "array"}, {"items", ref_to(*route.schema)}})},
                                       {"next", Value::object({{"type", "string"}, {"nullable", true}})},
                                       {"offset", Value::object({{"type", "string"}})}})}});
    responses.set("200", described("a page", page));
  } else if (route.schema && method == "POST") {
    Value created = described("the entity", ref_to(*route.schema));
    Value links = creation_links(api, *route.schema);
    if (!links.as_object().empty()) created.as_object().set("links", std::move(links));
    responses.set("201", std::move(created));
  } else if (route.schema) {
    responses.set("200", described("the entity", ref_to(*route.schema)));
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

}  // namespace

Value openapi_document(const Api& api) {
  Object paths;
  for (const Route& r : api.routes()) {
    std::string path;
    for (const auto& seg : r.segments) path += "/" + (seg.starts_with(':') ? "{" + seg.substr(1) + "}" : seg);
    if (path.empty()) path = "/";
    Object item;
    for (const auto& [method, _] : r.methods) {
      if (!r.always_refused.contains(method)) item.set(method_key(method), operation(api, r, method));
    }
    paths.set(path, Value(std::move(item)));
  }
  Object schemas;
  for (const Schema* s : api.registry().all()) {
    if (is_union(*s)) {
      schemas.set(s->name, union_schema(*s));
      for (const auto& [key, sub] : s->subschemas) {
        schemas.set(variant_component(*s, key), variant_schema(*s, key, *sub));
      }
    } else {
      schemas.set(s->name, record_schema(s->fields));
    }
    schemas.set(form_component(*s), form_schema(s->fields));
  }
  schemas.set("error",
              Value::object({{"type", "object"},
                             {"properties", Value::object({{"code", Value::object({{"type", "integer"}})},
                                                           {"name", Value::object({{"type", "string"}})},
                                                           {"message", Value::object({{"type", "string"}})},
                                                           {"fields", Value::object({{"type", "object"}})}})},
                             {"required", Value::array({"message"})}}));
  Value components = Value::object({{"schemas", Value(std::move(schemas))}});
  Value document = Value::object({
      {"openapi", "3.0.3"},
      {"info", Value::object({{"title", "kongdb Admin API"}, {"version", kKongCompatibleVersion}})},
      {"paths", Value(std::move(paths))},
  });
  // With admin_token set every request must carry it (the transport refuses others with 401).
  const std::optional<std::string> token = api.shared().config.get("admin_token");
  if (token && !token->empty()) {
    components.as_object().set(
        "securitySchemes",
        Value::object({{"adminToken", Value::object({{"type", "apiKey"},
                                                     {"in", "header"},
                                                     {"name", "Kong-Admin-Token"}})}}));
    document.as_object().set("security", Value::array({Value::object({{"adminToken", Value::array()}})}));
  }
  document.as_object().set("components", std::move(components));
  return document;
}

}  // namespace kongdb::admin::api
