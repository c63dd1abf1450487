// MetaSchema: checks schema definitions themselves (kong/db/schema/metaschema.lua), plus
// the Entity rules of kong/db/schema/entity.lua for entity definitions.
//
// Kong validates a definition table in two passes, and so do we:
//   1. "structural" errors: the definition is validated as data against the MetaSchema's
//      own fields. These nest like any Kong validation tree:
//        {fields = [ {type = "required field missing"}, null, ... ],
//         entity_checks = [ {conditional = {if_match = {unique = "unknown field"}}} ],
//         transformations = [ {"@entity" = ["at least one of ..."]} ]}
//      (arrays are 1-based with null holes; a `fields` entry's map wrapper is invisible
//      because Kong's map validation returns the value's error as is).
//   2. the MetaSchema `check` function: it runs only when `name`, `primary_key` (entities)
//      and `fields` are present, and writes a FLAT table keyed by field name, even for
//      fields nested in records or elements ({port = "field of type 'integer' cannot have
//      attribute 'match'"}). Its keys overwrite same-named keys from pass 1, as in Kong.
// Entity rules (entity.lua) run only once the metaschema passes; Kong reports them as a
// plain string, so they come back as a String Value ("x: Entities cannot have function
// types.").
//
// Deviations / rules not expressible with our C++ structs:
//  - Attributes the struct cannot hold are never checked: a non-table field entry
//    ("'%s' must be a table"), "field entry table is empty", "each entry in fields must be
//    a sub-table", non-string map keys in `fields`, several checkers in one entity_checks
//    entry (only_one_of), `legacy`, `dao`, `examples`, `deprecation`, `translate_backwards`,
//    generate_admin_api on a field, json_schema and its parent_subschema_key checks. Type
//    mismatches of attribute values ("expected a boolean") are impossible by construction.
//  - `json` fields: our Field has no json_schema, so "field of type 'json' must declare
//    'json_schema'" is not raised (it would reject every json field).
//  - An empty std::string/vector means "not declared": name == "" and an empty
//    primary_key count as missing; an empty `fields` list counts as present (Kong accepts
//    fields = {}); cache_key/entity_checks/... empty means absent.
//  - db_export is a plain bool, so for plugin schemas only db_export == false is reported
//    as an unknown field. Schema-level attributes of a nested record schema other than
//    transformations/check/subschema_key/primary_key are not reported as unknown.
//  - Kong iterates Lua hash tables, so when one field breaks several attribute rules the
//    surviving message is unspecified; we apply Kong's rule order (required attributes,
//    then the attribute/type table in its declaration order, then elements/keys/values,
//    then nested record fields) and the last message written wins.
//  - "expected one of: ..." for an invalid `type` lists the valid types in
//    Schema.valid_types declaration order (Kong's order is hash order).
//  - A `default` on a foreign field is not validated (the metaschema cannot resolve the
//    referenced schema; Kong would report "error in schema prevents from validating this
//    field"). Other defaults are validated against their own field, as Kong's
//    `default = { type = "self" }` does.
//  - Kong's metaschema does not check that primary_key or entity-check field names exist
//    (nor shorthand field names), has no 'reference' requirement for foreign fields (an
//    unresolvable reference fails later, in Schema.new: "schema refers to an invalid
//    foreign entity: %s"), restricts neither len_min/len_max nor starts_with by type, and
//    accepts set fields as subschema_key; we follow Kong on all of these.
//  - Kong's MetaSchema check also defaults table_name to name; this function does not
//    mutate the definition, and Entity.new's "records are required" rewrite is likewise
//    left to the registry. Core subschemas are not metaschema-checked (as in Kong).
//  - The Entity nilable rule is shadowed: `nilable` is not a metaschema field attribute, so
//    a declared nilable already fails pass 1 with fields[i].nilable = "unknown field".
#include "kongdb/schema/metaschema.h"

#include <algorithm>
#include <array>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kongdb::schema {
namespace {

constexpr const char* kRequired = "required field missing";
constexpr const char* kUnknown = "unknown field";
constexpr const char* kRequiredForCheck = "field required for entity check";

// Schema.valid_types in declaration order (everything but `any`).
constexpr std::array kValidTypes = {
    FieldType::Array,  FieldType::Set,    FieldType::String, FieldType::Number,
    FieldType::Boolean, FieldType::Integer, FieldType::Foreign, FieldType::Map,
    FieldType::Record, FieldType::Function, FieldType::Json,
};

bool is_valid_type(FieldType t, bool shorthand) {
  if (t == FieldType::Any) return false;
  // Shorthands cannot be composite types needing further schema processing.
  if (shorthand &&
      (t == FieldType::Record || t == FieldType::Foreign || t == FieldType::Function)) {
    return false;
  }
  return true;
}

std::string valid_types_message(bool shorthand) {
  std::string msg = "expected one of: ";
  bool first = true;
  for (FieldType t : kValidTypes) {
    if (!is_valid_type(t, shorthand)) continue;
    if (!first) msg += ", ";
    first = false;
    msg += field_type_name(t);
  }
  return msg;
}

// Every attribute a Field can declare, by Kong name.
struct Attr {
  const char* name;
  std::function<bool(const Field&)> declared;
};

const std::vector<Attr>& all_attributes() {
  static const std::vector<Attr> attrs = {
      {"type", [](const Field& f) { return f.type_.has_value(); }},
      {"required", [](const Field& f) { return f.required_.has_value(); }},
      {"auto", [](const Field& f) { return f.auto_.has_value(); }},
      {"unique", [](const Field& f) { return f.unique_.has_value(); }},
      {"unique_across_ws", [](const Field& f) { return f.unique_across_ws_.has_value(); }},
      {"immutable", [](const Field& f) { return f.immutable_.has_value(); }},
      {"abstract", [](const Field& f) { return f.abstract_.has_value(); }},
      {"transient", [](const Field& f) { return f.transient_.has_value(); }},
      {"referenceable", [](const Field& f) { return f.referenceable_.has_value(); }},
      {"encrypted", [](const Field& f) { return f.encrypted_.has_value(); }},
      {"nilable", [](const Field& f) { return f.nilable_.has_value(); }},
      {"timestamp", [](const Field& f) { return f.timestamp_.has_value(); }},
      {"uuid", [](const Field& f) { return f.uuid_.has_value(); }},
      {"is_regex", [](const Field& f) { return f.is_regex_.has_value(); }},
      {"default", [](const Field& f) { return f.default_.has_value(); }},
      {"eq", [](const Field& f) { return f.eq_.has_value(); }},
      {"ne", [](const Field& f) { return f.ne_.has_value(); }},
      {"one_of", [](const Field& f) { return f.one_of_.has_value(); }},
      {"not_one_of", [](const Field& f) { return f.not_one_of_.has_value(); }},
      {"gt", [](const Field& f) { return f.gt_.has_value(); }},
      {"between", [](const Field& f) { return f.between_.has_value(); }},
      {"len_eq", [](const Field& f) { return f.len_eq_.has_value(); }},
      {"len_min", [](const Field& f) { return f.len_min_.has_value(); }},
      {"len_max", [](const Field& f) { return f.len_max_.has_value(); }},
      {"starts_with", [](const Field& f) { return f.starts_with_.has_value(); }},
      {"match", [](const Field& f) { return f.match_.has_value(); }},
      {"not_match", [](const Field& f) { return f.not_match_.has_value(); }},
      {"match_all", [](const Field& f) { return f.match_all_.has_value(); }},
      {"match_none", [](const Field& f) { return f.match_none_.has_value(); }},
      {"match_any", [](const Field& f) { return f.match_any_.has_value(); }},
      {"contains", [](const Field& f) { return f.contains_.has_value(); }},
      {"custom_validator", [](const Field& f) { return static_cast<bool>(f.custom_validator_); }},
      {"mutually_exclusive_subsets",
       [](const Field& f) { return f.mutually_exclusive_subsets_.has_value(); }},
      {"err", [](const Field& f) { return f.err_.has_value(); }},
      {"description", [](const Field& f) { return f.description_.has_value(); }},
      {"elements", [](const Field& f) { return f.elements_ != nullptr; }},
      {"keys", [](const Field& f) { return f.keys_ != nullptr; }},
      {"values", [](const Field& f) { return f.values_ != nullptr; }},
      {"fields", [](const Field& f) { return f.fields_ != nullptr; }},
      {"reference", [](const Field& f) { return f.reference_.has_value(); }},
      {"on_delete", [](const Field& f) { return f.on_delete_.has_value(); }},
  };
  return attrs;
}

const Attr& attribute(std::string_view name) {
  for (const Attr& a : all_attributes()) {
    if (name == a.name) return a;
  }
  static const Attr none{"", [](const Field&) { return false; }};
  return none;
}

// Kong's attribute_types: attributes only some field types may declare, in Kong's order.
struct TypeRestriction {
  const char* attr;
  std::vector<FieldType> types;
};

const std::vector<TypeRestriction>& attribute_types() {
  using T = FieldType;
  static const std::vector<TypeRestriction> rules = {
      {"between", {T::Integer, T::Number}},
      {"len_eq", {T::Array, T::Set, T::String, T::Map}},
      {"match", {T::String}},
      {"one_of", {T::String, T::Number, T::Integer}},
      {"contains", {T::Array, T::Set}},
      {"is_regex", {T::String}},
      {"timestamp", {T::Number, T::Integer}},
      {"uuid", {T::String}},
      {"unique", {T::String, T::Number, T::Integer, T::Foreign}},
      {"unique_across_ws", {T::String, T::Number, T::Integer, T::Foreign}},
      {"abstract", {T::String, T::Number, T::Integer, T::Record, T::Array, T::Set, T::Map}},
      {"transient", {T::String, T::Number, T::Integer, T::Array, T::Set, T::Boolean}},
  };
  return rules;
}

// Attributes allowed in a conditional check's if_match/then_match/else_match
// (Kong's conditional_validators: `required`, the nested definitions and the validators).
bool allowed_in_match(std::string_view attr) {
  static const std::vector<std::string_view> allowed = {
      "required",   "elements",   "keys",        "values",      "between",
      "eq",         "ne",         "gt",          "len_eq",      "len_min",
      "len_max",    "match",      "not_match",   "match_all",   "match_none",
      "match_any",  "starts_with", "one_of",     "not_one_of",  "contains",
      "is_regex",   "timestamp",  "uuid",        "custom_validator",
      "mutually_exclusive_subsets",
  };
  return std::find(allowed.begin(), allowed.end(), attr) != allowed.end();
}

std::string_view check_kind_name(EntityCheck::Kind kind) {
  switch (kind) {
    case EntityCheck::Kind::AtLeastOneOf: return "at_least_one_of";
    case EntityCheck::Kind::OnlyOneOf: return "only_one_of";
    case EntityCheck::Kind::Distinct: return "distinct";
    case EntityCheck::Kind::Conditional: return "conditional";
    case EntityCheck::Kind::ConditionalAtLeastOneOf: return "conditional_at_least_one_of";
    case EntityCheck::Kind::CustomEntityCheck: return "custom_entity_check";
    case EntityCheck::Kind::MutuallyRequired: return "mutually_required";
    case EntityCheck::Kind::MutuallyExclusive: return "mutually_exclusive";
    case EntityCheck::Kind::MutuallyExclusiveSets: return "mutually_exclusive_sets";
  }
  return "";
}

// Sets a[i] (0-based here, 1-based in Kong), padding holes with null.
void set_index(Array& a, size_t i, Value v) {
  if (a.size() <= i) a.resize(i + 1);
  a[i] = std::move(v);
}

// ---------------------------------------------------------------------------------------
// Pass 1: the definition validated as data against the MetaSchema's fields.

std::optional<Value> structural_field(const Field& f, bool shorthand, bool with_entity_checks);
void structural_schema_parts(const Schema& s, Object& errs, bool nested_record);

// A conditional check's match record: conditional_validators only.
std::optional<Value> structural_match(const Field& m) {
  Object errs;
  for (const Attr& a : all_attributes()) {
    if (a.declared(m) && !allowed_in_match(a.name)) errs.set(a.name, kUnknown);
  }
  // Nested definitions are full field records (field_schema, without its entity checks).
  const std::pair<const char*, const FieldPtr*> nested[] = {
      {"elements", &m.elements_}, {"keys", &m.keys_}, {"values", &m.values_}};
  for (const auto& [name, ptr] : nested) {
    if (*ptr) {
      if (auto e = structural_field(**ptr, false, false)) errs.set(name, std::move(*e));
    }
  }
  if (errs.empty()) return std::nullopt;
  return Value(std::move(errs));
}

std::optional<Value> structural_entity_check(const EntityCheck& c) {
  Object inner;
  auto match = [&](const char* name, const std::optional<Field>& m) {
    if (!m) return;
    if (auto e = structural_match(*m)) inner.set(name, std::move(*e));
  };
  if (c.kind == EntityCheck::Kind::Conditional) {
    match("if_match", c.if_match);
    match("then_match", c.then_match);
  } else if (c.kind == EntityCheck::Kind::ConditionalAtLeastOneOf) {
    match("if_match", c.if_match);
    match("else_match", c.else_match);
  }
  if (inner.empty()) return std::nullopt;
  Object errs;
  errs.set(std::string(check_kind_name(c.kind)), Value(std::move(inner)));
  return Value(std::move(errs));
}

// One field definition as a record of Kong's field_schema (shorthand: its variant with
// restricted types and a required `func`).
std::optional<Value> structural_field(const Field& f, bool shorthand, bool with_entity_checks) {
  Object errs;
  if (f.type_ && !is_valid_type(*f.type_, shorthand)) {
    errs.set("type", valid_types_message(shorthand));
  }
  if (f.nilable_) errs.set("nilable", kUnknown);  // not a definition attribute in Kong
  if (f.description_) {
    if (f.description_->size() < 10) {
      errs.set("description", "length must be at least 10");
    } else if (f.description_->size() > 500) {
      errs.set("description", "length must be at most 500");
    }
  }
  if (f.on_delete_ && *f.on_delete_ != "restrict" && *f.on_delete_ != "cascade" &&
      *f.on_delete_ != "null") {
    errs.set("on_delete", "expected one of: restrict, cascade, null");
  }
  // `default` is validated against the field it belongs to (Kong's type "self").
  if (f.default_ && f.type_ && *f.type_ != FieldType::Foreign) {
    if (auto e = Schema{}.validate_field(f, *f.default_)) errs.set("default", std::move(*e));
  }
  const std::pair<const char*, const FieldPtr*> nested[] = {
      {"elements", &f.elements_}, {"keys", &f.keys_}, {"values", &f.values_}};
  for (const auto& [name, ptr] : nested) {
    if (*ptr) {
      if (auto e = structural_field(**ptr, false, false)) errs.set(name, std::move(*e));
    }
  }
  if (f.fields_) structural_schema_parts(*f.fields_, errs, true);

  // Required attributes of field_schema.
  if (!f.type_) errs.set("type", kRequired);

  // field_entity_checks: unique_across_ws = true demands unique = true.
  if (with_entity_checks && f.unique_across_ws_ && *f.unique_across_ws_) {
    bool failed = false;
    if (!f.unique_) {
      errs.set("unique", kRequired);
      failed = true;
    } else if (!*f.unique_) {
      errs.set("unique", "value must be true");
      failed = true;
    }
    if (failed) {
      errs.set("@entity",
               Value::array({"failed conditional validation given value of field "
                             "'unique_across_ws'"}));
    }
  }
  if (errs.empty()) return std::nullopt;
  return Value(std::move(errs));
}

// fields / entity_checks / shorthand_fields / transformations of a definition. For a
// record's nested schema these are attributes of the field record; `transformations`
// is not one of them.
void structural_schema_parts(const Schema& s, Object& errs, bool nested_record) {
  Array fields;
  for (size_t i = 0; i < s.fields.size(); ++i) {
    if (auto e = structural_field(s.fields[i].second, false, true)) {
      set_index(fields, i, std::move(*e));
    }
  }
  if (!fields.empty()) errs.set("fields", Value(std::move(fields)));

  Array checks;
  for (size_t i = 0; i < s.entity_checks.size(); ++i) {
    if (auto e = structural_entity_check(s.entity_checks[i])) set_index(checks, i, std::move(*e));
  }
  if (!checks.empty()) errs.set("entity_checks", Value(std::move(checks)));

  Array shorthands;
  for (size_t i = 0; i < s.shorthand_fields.size(); ++i) {
    const ShorthandField& sh = s.shorthand_fields[i];
    std::optional<Value> e = structural_field(sh.field, true, true);
    if (!sh.func) {
      if (!e) e = Value(Object{});
      e->as_object().set("func", kRequired);
    }
    if (e) set_index(shorthands, i, std::move(*e));
  }
  if (!shorthands.empty()) errs.set("shorthand_fields", Value(std::move(shorthands)));

  if (nested_record) {
    if (!s.transformations.empty()) errs.set("transformations", kUnknown);
    if (s.check) errs.set("check", kUnknown);
    if (s.subschema_key) errs.set("subschema_key", kUnknown);
    if (!s.primary_key.empty()) errs.set("primary_key", kUnknown);
    return;
  }
  Array transformations;
  for (size_t i = 0; i < s.transformations.size(); ++i) {
    const Transformation& t = s.transformations[i];
    if (!t.on_write && !t.on_read) {
      set_index(transformations, i,
                Value::object({{"@entity",
                                Value::array({"at least one of these fields must be "
                                              "non-empty: 'on_write', 'on_read'"})}}));
    }
  }
  if (!transformations.empty()) errs.set("transformations", Value(std::move(transformations)));
}

// ---------------------------------------------------------------------------------------
// Pass 2: the MetaSchema `check` function; a flat table keyed by field name.

const Field* find_field(const Schema& s, std::string_view name) {
  for (const auto& [k, f] : s.fields) {
    if (k == name) return &f;
  }
  return nullptr;
}

// Dotted paths descend into records; anything below a foreign field is trusted.
bool has_schema_field(const Schema* s, std::string_view name) {
  if (!s) return false;
  size_t dot = name.find('.');
  if (dot == std::string_view::npos) return find_field(*s, name) != nullptr;
  const Field* f = find_field(*s, name.substr(0, dot));
  if (!f) return false;
  if (f->type_ == FieldType::Foreign) return true;
  return has_schema_field(f->fields_.get(), name.substr(dot + 1));
}

// errors.transformations.{input,needs}[i][j] = "invalid field name: x"
void check_transformations(const Schema& s, Object& errs) {
  auto check_list = [&](const char* key, size_t i, const std::vector<std::string>& names) {
    for (size_t j = 0; j < names.size(); ++j) {
      if (has_schema_field(&s, names[j])) continue;
      Value& t = errs["transformations"];
      if (!t.is_object()) t = Value(Object{});
      Value& list = t.as_object()[key];
      if (!list.is_array()) list = Value(Array{});
      Array& per_transformation = list.as_array();
      if (per_transformation.size() <= i || !per_transformation[i].is_array()) {
        set_index(per_transformation, i, Value(Array{}));
      }
      set_index(per_transformation[i].as_array(), j, Value("invalid field name: " + names[j]));
    }
  };
  for (size_t i = 0; i < s.transformations.size(); ++i) {
    check_list("input", i, s.transformations[i].input);
    check_list("needs", i, s.transformations[i].needs);
  }
}

void check_fields(const Schema& s, Object& errs);

std::string attribute_error(FieldType t, std::string_view attr) {
  return "field of type '" + std::string(field_type_name(t)) + "' cannot have attribute '" +
         std::string(attr) + "'";
}

std::string required_error(FieldType t, std::string_view attr) {
  return "field of type '" + std::string(field_type_name(t)) + "' must declare '" +
         std::string(attr) + "'";
}

// Errors land under the name of the top-level (or record-level) field `k`, whatever depth
// of elements/keys/values they come from.
void check_field(const std::string& k, const Field& f, Object& errs) {
  if (!f.type_) {
    errs.set(k, "missing type declaration");
    return;
  }
  FieldType t = *f.type_;
  switch (t) {
    case FieldType::Array:
    case FieldType::Set:
      if (!f.elements_) errs.set(k, required_error(t, "elements"));
      break;
    case FieldType::Map:
      if (!f.keys_) errs.set(k, required_error(t, "keys"));
      if (!f.values_) errs.set(k, required_error(t, "values"));
      break;
    case FieldType::Record:
      // Abstract records are stored as JSON and may leave their fields to subschemas.
      if (!f.fields_ && !f.is(f.abstract_)) errs.set(k, required_error(t, "fields"));
      break;
    default:
      break;
  }
  for (const TypeRestriction& r : attribute_types()) {
    if (!attribute(r.attr).declared(f)) continue;
    if (std::find(r.types.begin(), r.types.end(), t) == r.types.end()) {
      errs.set(k, attribute_error(t, r.attr));
    }
  }
  for (const FieldPtr* nested : {&f.elements_, &f.keys_, &f.values_}) {
    if (*nested) check_field(k, **nested, errs);
  }
  if (f.fields_) check_fields(*f.fields_, errs);
}

void check_fields(const Schema& s, Object& errs) {
  check_transformations(s, errs);
  for (const auto& [k, f] : s.fields) check_field(k, f, errs);
}

// MetaSchema.check (entities only: endpoint/cache/subschema keys, ttl).
void check_entity_schema(const Schema& s, Object& errs) {
  if (s.endpoint_key && !find_field(s, *s.endpoint_key)) {
    errs.set("endpoint_key", "value must be a field name");
  }
  if (!s.cache_key.empty()) {
    const Field* found = nullptr;
    for (const std::string& name : s.cache_key) {
      found = find_field(s, name);
      if (!found) {
        errs.set("cache_key", "values must be field names");
        break;
      }
    }
    // A lone cache key must identify a single row.
    if (s.cache_key.size() == 1 && found && !found->is_unique()) {
      errs.set("cache_key", "a field used as a single cache key must be unique");
    }
  }
  if (s.subschema_key) {
    const Field* f = find_field(s, *s.subschema_key);
    if (!f) {
      errs.set("subschema_key", "value must be a field name");
    } else if (f->type_ != FieldType::String && f->type_ != FieldType::Set) {
      errs.set("subschema_key", "must be a string or set field");
    }
  }
  if (s.ttl && find_field(s, "ttl")) {
    errs.set("ttl", "ttl is a reserved field name when ttl is enabled");
  }
}

// Merges the check's table into the validation errors (string keys overwrite).
void merge(Object& into, Object from) {
  for (auto& [k, v] : from) into.set(k, std::move(v));
}

// Kong's entity.lua rules over top-level fields; a plain message like Kong's.
std::optional<Value> check_entity_rules(const Schema& s) {
  for (const auto& [name, f] : s.fields) {
    if (f.is(f.nilable_)) return Value(name + ": Entities cannot have nilable types.");
    if (f.is(f.abstract_)) continue;
    if (f.type_ == FieldType::Map) {
      if (!f.keys_ || f.keys_->type_ != FieldType::String) {
        return Value(name + ": Entities map keys must be strings.");
      }
    } else if (f.type_ == FieldType::Function) {
      return Value(name + ": Entities cannot have function types.");
    }
  }
  return std::nullopt;
}

std::optional<Value> finish(Object errs) {
  if (errs.empty()) return std::nullopt;
  return Value(std::move(errs));
}

}  // namespace

std::optional<Value> check_entity_definition(const Schema& schema) {
  Object errs;
  structural_schema_parts(schema, errs, false);

  // Required, non-nilable MetaSchema fields: the check needs them all.
  bool complete = true;
  if (schema.name.empty()) {
    errs.set("name", kRequiredForCheck);
    complete = false;
  }
  if (schema.primary_key.empty()) {
    errs.set("primary_key", kRequiredForCheck);
    complete = false;
  }
  if (complete) {
    Object check;
    check_entity_schema(schema, check);
    check_fields(schema, check);
    merge(errs, std::move(check));
  }
  if (!errs.empty()) return Value(std::move(errs));
  return check_entity_rules(schema);
}

std::optional<Value> check_plugin_definition(const Schema& schema) {
  Object errs;
  structural_schema_parts(schema, errs, false);

  // MetaSubSchema knows only name/fields/entity_checks/shorthand_fields/transformations/check.
  if (!schema.primary_key.empty()) errs.set("primary_key", kUnknown);
  if (schema.workspaceable) errs.set("workspaceable", kUnknown);
  if (schema.endpoint_key) errs.set("endpoint_key", kUnknown);
  if (!schema.cache_key.empty()) errs.set("cache_key", kUnknown);
  if (schema.ttl) errs.set("ttl", kUnknown);
  if (!schema.db_export) errs.set("db_export", kUnknown);
  if (schema.subschema_key) errs.set("subschema_key", kUnknown);
  if (schema.subschema_error) errs.set("subschema_error", kUnknown);
  if (schema.generate_admin_api) errs.set("generate_admin_api", kUnknown);
  if (schema.admin_api_name) errs.set("admin_api_name", kUnknown);
  if (schema.table_name) errs.set("table_name", kUnknown);
  if (schema.admin_api_nested_name) errs.set("admin_api_nested_name", kUnknown);

  if (schema.name.empty()) {
    errs.set("name", kRequiredForCheck);
  } else {
    Object check;
    check_fields(schema, check);
    merge(errs, std::move(check));
  }
  return finish(std::move(errs));
}

}  // namespace kongdb::schema
