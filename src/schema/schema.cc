// Field and Schema construction, lookups and subschemas.
// Port of kong/db/schema/init.lua: Schema.new, new_subschema, get_subschema, resolve_field.
#include <algorithm>

#include "kongdb/schema/schema.h"

namespace kongdb::schema {

std::string_view field_type_name(FieldType type) {
  switch (type) {
    case FieldType::String:
      return "string";
    case FieldType::Number:
      return "number";
    case FieldType::Integer:
      return "integer";
    case FieldType::Boolean:
      return "boolean";
    case FieldType::Array:
      return "array";
    case FieldType::Set:
      return "set";
    case FieldType::Map:
      return "map";
    case FieldType::Record:
      return "record";
    case FieldType::Foreign:
      return "foreign";
    case FieldType::Function:
      return "function";
    case FieldType::Json:
      return "json";
    case FieldType::Any:
      return "any";
  }
  return "any";
}

std::optional<FieldType> parse_field_type(std::string_view name) {
  static constexpr FieldType kAll[] = {
      FieldType::String, FieldType::Number, FieldType::Integer, FieldType::Boolean,
      FieldType::Array,  FieldType::Set,    FieldType::Map,     FieldType::Record,
      FieldType::Foreign, FieldType::Function, FieldType::Json};
  for (FieldType t : kAll) {
    if (field_type_name(t) == name) return t;
  }
  return std::nullopt;
}

Field Field::of(FieldType t) {
  Field f;
  f.type_ = t;
  return f;
}

Field Field::array(Field elements) {
  Field f = of(FieldType::Array);
  f.elements_ = std::make_shared<Field>(std::move(elements));
  return f;
}

Field Field::set(Field elements) {
  Field f = of(FieldType::Set);
  f.elements_ = std::make_shared<Field>(std::move(elements));
  return f;
}

Field Field::map(Field keys, Field values) {
  Field f = of(FieldType::Map);
  f.keys_ = std::make_shared<Field>(std::move(keys));
  f.values_ = std::make_shared<Field>(std::move(values));
  return f;
}

Field Field::record(Fields fields) {
  Schema nested;
  nested.fields = std::move(fields);
  return record(std::move(nested));
}

Field Field::record(Schema nested) {
  Field f = of(FieldType::Record);
  f.fields_ = std::make_shared<Schema>(std::move(nested));
  return f;
}

Field Field::foreign(std::string reference) {
  Field f = of(FieldType::Foreign);
  f.reference_ = std::move(reference);
  return f;
}

Field Field::overlay(const Field& patch) const {
  Field out = *this;
#define KONGDB_OVERLAY(member) \
  if (patch.member) out.member = patch.member;
  KONGDB_OVERLAY(type_)
  KONGDB_OVERLAY(required_)
  KONGDB_OVERLAY(auto_)
  KONGDB_OVERLAY(unique_)
  KONGDB_OVERLAY(unique_across_ws_)
  KONGDB_OVERLAY(immutable_)
  KONGDB_OVERLAY(abstract_)
  KONGDB_OVERLAY(transient_)
  KONGDB_OVERLAY(referenceable_)
  KONGDB_OVERLAY(encrypted_)
  KONGDB_OVERLAY(nilable_)
  KONGDB_OVERLAY(timestamp_)
  KONGDB_OVERLAY(uuid_)
  KONGDB_OVERLAY(is_regex_)
  KONGDB_OVERLAY(default_)
  KONGDB_OVERLAY(eq_)
  KONGDB_OVERLAY(ne_)
  KONGDB_OVERLAY(one_of_)
  KONGDB_OVERLAY(not_one_of_)
  KONGDB_OVERLAY(gt_)
  KONGDB_OVERLAY(between_)
  KONGDB_OVERLAY(len_eq_)
  KONGDB_OVERLAY(len_min_)
  KONGDB_OVERLAY(len_max_)
  KONGDB_OVERLAY(starts_with_)
  KONGDB_OVERLAY(match_)
  KONGDB_OVERLAY(not_match_)
  KONGDB_OVERLAY(match_all_)
  KONGDB_OVERLAY(match_none_)
  KONGDB_OVERLAY(match_any_)
  KONGDB_OVERLAY(contains_)
  KONGDB_OVERLAY(custom_validator_)
  KONGDB_OVERLAY(mutually_exclusive_subsets_)
  KONGDB_OVERLAY(err_)
  KONGDB_OVERLAY(description_)
  KONGDB_OVERLAY(elements_)
  KONGDB_OVERLAY(keys_)
  KONGDB_OVERLAY(values_)
  KONGDB_OVERLAY(fields_)
  KONGDB_OVERLAY(reference_)
  KONGDB_OVERLAY(on_delete_)
#undef KONGDB_OVERLAY
  if (patch.foreign_schema_) out.foreign_schema_ = patch.foreign_schema_;
  return out;
}

EntityCheck EntityCheck::at_least_one_of(std::vector<std::string> f) {
  EntityCheck c;
  c.kind = Kind::AtLeastOneOf;
  c.fields = std::move(f);
  return c;
}
EntityCheck EntityCheck::only_one_of(std::vector<std::string> f) {
  EntityCheck c;
  c.kind = Kind::OnlyOneOf;
  c.fields = std::move(f);
  return c;
}
EntityCheck EntityCheck::distinct(std::vector<std::string> f) {
  EntityCheck c;
  c.kind = Kind::Distinct;
  c.fields = std::move(f);
  return c;
}
EntityCheck EntityCheck::mutually_required(std::vector<std::string> f) {
  EntityCheck c;
  c.kind = Kind::MutuallyRequired;
  c.fields = std::move(f);
  return c;
}
EntityCheck EntityCheck::mutually_exclusive(std::vector<std::string> f) {
  EntityCheck c;
  c.kind = Kind::MutuallyExclusive;
  c.fields = std::move(f);
  return c;
}
EntityCheck EntityCheck::mutually_exclusive_sets(std::vector<std::string> s1,
                                                 std::vector<std::string> s2) {
  EntityCheck c;
  c.kind = Kind::MutuallyExclusiveSets;
  c.set1 = std::move(s1);
  c.set2 = std::move(s2);
  return c;
}
EntityCheck EntityCheck::conditional(std::string if_field, Field if_match, std::string then_field,
                                     Field then_match, std::optional<std::string> then_err) {
  EntityCheck c;
  c.kind = Kind::Conditional;
  c.if_field = std::move(if_field);
  c.if_match = std::move(if_match);
  c.then_field = std::move(then_field);
  c.then_match = std::move(then_match);
  c.then_err = std::move(then_err);
  return c;
}
EntityCheck EntityCheck::conditional_at_least_one_of(std::string if_field, Field if_match,
                                                     std::vector<std::string> then_list,
                                                     std::optional<std::string> then_err) {
  EntityCheck c;
  c.kind = Kind::ConditionalAtLeastOneOf;
  c.if_field = std::move(if_field);
  c.if_match = std::move(if_match);
  c.then_at_least_one_of = std::move(then_list);
  c.then_err = std::move(then_err);
  return c;
}
EntityCheck EntityCheck::custom(std::vector<std::string> field_sources,
                                std::function<std::optional<std::string>(const Value&)> fn) {
  EntityCheck c;
  c.kind = Kind::CustomEntityCheck;
  c.field_sources = std::move(field_sources);
  c.fn = std::move(fn);
  return c;
}

std::string quoted_list(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += ", ";
    out += "'" + words[i] + "'";
  }
  return out;
}

const Field* Schema::field(std::string_view field_name) const {
  if (!field_index_.empty()) {
    auto it = field_index_.find(std::string(field_name));
    if (it != field_index_.end() && it->second < fields.size() && fields[it->second].first == field_name) {
      return &fields[it->second].second;
    }
    if (field_index_.size() == fields.size()) return nullptr;
  }
  for (const auto& [n, f] : fields) {
    if (n == field_name) return &f;
  }
  return nullptr;
}

Field* Schema::field(std::string_view field_name) {
  for (auto& [n, f] : fields) {
    if (n == field_name) return &f;
  }
  return nullptr;
}

const Field* Schema::resolve_field(std::string_view field_name, const Schema* subschema) const {
  const Field* f = field(field_name);
  if (!f) return nullptr;
  if (subschema) {
    if (const Field* specialised = subschema->field(field_name)) return specialised;
  }
  return f;
}

const Schema* Schema::get_subschema(const Value& input) const {
  if (!subschema_key || subschemas.empty()) return nullptr;
  const Value* key = input.find(*subschema_key);
  if (!key) return nullptr;
  if (key->is_string()) {
    auto it = subschemas.find(key->as_string());
    return it == subschemas.end() ? nullptr : it->second.get();
  }
  if (key->is_array()) {
    for (const Value& k : key->as_array()) {
      if (!k.is_string()) continue;
      auto it = subschemas.find(k.as_string());
      if (it != subschemas.end()) return it->second.get();
    }
  }
  return nullptr;
}

namespace {

// Kong's compatible_fields: a specialisation keeps the abstract field's type.
bool compatible_fields(const Field& parent, const Field& child) {
  FieldType t1 = parent.type(), t2 = child.type();
  if (t1 == FieldType::Record && t2 == FieldType::Json) return true;
  if (t1 != t2) return false;
  if (t1 == FieldType::Array || t1 == FieldType::Set) {
    return parent.elements_ && child.elements_ &&
           parent.elements_->type() == child.elements_->type();
  }
  if (t1 == FieldType::Map) {
    return parent.keys_ && child.keys_ && parent.values_ && child.values_ &&
           parent.keys_->type() == child.keys_->type() &&
           parent.values_->type() == child.values_->type();
  }
  return true;
}

}  // namespace

tl::expected<void, std::string> Schema::new_subschema(const std::string& key, Schema definition) {
  auto fail = [&](const std::string& field_name, std::string_view what) {
    return tl::unexpected("error in definition of '" + key + "': " + field_name + ": " +
                          std::string(what));
  };
  if (!subschema_key) {
    return tl::unexpected("error in definition of '" + key + "': entities of type '" + name +
                          "' cannot have subschemas");
  }
  for (const auto& [fname, f] : definition.fields) {
    const Field* parent = field(fname);
    if (!parent) return fail(fname, "cannot create a new field");
    if (!compatible_fields(*parent, f)) return fail(fname, "cannot change type in a specialized field");
  }
  for (const auto& [fname, f] : fields) {
    if (f.is(f.abstract_) && f.is_required() && !definition.field(fname)) {
      return fail(fname, "abstract field was not specialized");
    }
  }
  subschemas[key] = std::make_shared<Schema>(std::move(definition));
  return {};
}

Value Schema::extract_pk_values(const Value& entity) const {
  Object pk;
  for (const std::string& k : primary_key) {
    const Value* v = entity.find(k);
    if (v) pk.set(k, *v);
  }
  return Value(std::move(pk));
}

}  // namespace kongdb::schema
