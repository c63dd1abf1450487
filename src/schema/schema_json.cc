// Port of kong/api/api_helpers.lua schema_to_jsonable: functions are dropped, fields keep
// their declared attributes, records nest their own fields.
#include "kongdb/schema/schema_json.h"

#include <cmath>

namespace kongdb::schema {
namespace {

Value strings(const std::vector<std::string>& list) {
  Array a;
  for (const auto& s : list) a.emplace_back(s);
  return Value(std::move(a));
}

Value number(double d) {
  if (std::isnan(d)) return Value("nan");
  if (std::isinf(d)) return Value(d > 0 ? "inf" : "-inf");
  if (std::floor(d) == d && std::fabs(d) < 9e15) return Value(static_cast<long long>(d));
  return Value(d);
}

Value fields_to_value(const Fields& fields) {
  Array out;
  out.reserve(fields.size());
  for (const auto& [name, f] : fields) out.push_back(Value::object({{name, field_to_value(f)}}));
  return Value(std::move(out));
}

// A shorthand keeps its type and, when deprecated, Kong's `deprecation` table: clients (go-kong's
// ClearUnmatchingDeprecations, decK) read `replaced_with` to pair old and new fields.
Value shorthand_to_value(const ShorthandField& s) {
  Value field = field_to_value(s.field);
  if (s.deprecation) {
    Array replaced_with;
    for (const auto& path : s.deprecation->replaced_with) {
      replaced_with.push_back(Value::object({{"path", strings(path)}}));
    }
    field.as_object().set("deprecation", Value::object({{"message", s.deprecation->message},
                                                        {"removal_in_version", s.deprecation->removal_in_version},
                                                        {"replaced_with", Value(std::move(replaced_with))}}));
  }
  return Value::object({{s.name, std::move(field)}});
}

}  // namespace

Value field_to_value(const Field& f) {
  Object o;
  if (f.type_) o.set("type", std::string(field_type_name(*f.type_)));
  auto flag = [&](const char* name, const std::optional<bool>& v) {
    if (v) o.set(name, *v);
  };
  flag("required", f.required_);
  flag("auto", f.auto_);
  flag("unique", f.unique_);
  flag("unique_across_ws", f.unique_across_ws_);
  flag("immutable", f.immutable_);
  flag("abstract", f.abstract_);
  flag("transient", f.transient_);
  flag("referenceable", f.referenceable_);
  flag("encrypted", f.encrypted_);
  flag("nilable", f.nilable_);
  flag("timestamp", f.timestamp_);
  flag("uuid", f.uuid_);
  flag("is_regex", f.is_regex_);
  if (f.default_) o.set("default", *f.default_);
  if (f.eq_) o.set("eq", *f.eq_);
  if (f.ne_) o.set("ne", *f.ne_);
  if (f.one_of_) o.set("one_of", Value(Array(f.one_of_->begin(), f.one_of_->end())));
  if (f.not_one_of_) o.set("not_one_of", Value(Array(f.not_one_of_->begin(), f.not_one_of_->end())));
  if (f.gt_) o.set("gt", number(*f.gt_));
  if (f.between_) o.set("between", Value::array({number(f.between_->first), number(f.between_->second)}));
  if (f.len_eq_) o.set("len_eq", Value(static_cast<long long>(*f.len_eq_)));
  if (f.len_min_) o.set("len_min", Value(static_cast<long long>(*f.len_min_)));
  if (f.len_max_) o.set("len_max", Value(static_cast<long long>(*f.len_max_)));
  if (f.starts_with_) o.set("starts_with", *f.starts_with_);
  if (f.match_) o.set("match", *f.match_);
  if (f.not_match_) o.set("not_match", *f.not_match_);
  auto rules = [](const std::vector<PatternRule>& list) {
    Array a;
    for (const auto& r : list) a.push_back(Value::object({{"pattern", r.pattern}, {"err", r.err}}));
    return Value(std::move(a));
  };
  if (f.match_all_) o.set("match_all", rules(*f.match_all_));
  if (f.match_none_) o.set("match_none", rules(*f.match_none_));
  if (f.match_any_) {
    o.set("match_any", Value::object({{"patterns", strings(f.match_any_->patterns)}, {"err", f.match_any_->err}}));
  }
  if (f.contains_) o.set("contains", *f.contains_);
  if (f.mutually_exclusive_subsets_) {
    Array subsets;
    for (const auto& s : *f.mutually_exclusive_subsets_) subsets.push_back(strings(s));
    o.set("mutually_exclusive_subsets", Value(std::move(subsets)));
  }
  if (f.err_) o.set("err", *f.err_);
  if (f.description_) o.set("description", *f.description_);
  if (f.elements_) o.set("elements", field_to_value(*f.elements_));
  if (f.keys_) o.set("keys", field_to_value(*f.keys_));
  if (f.values_) o.set("values", field_to_value(*f.values_));
  if (f.fields_) {
    o.set("fields", fields_to_value(f.fields_->fields));
    if (!f.fields_->entity_checks.empty()) {
      Array checks;
      for (const auto& c : f.fields_->entity_checks) checks.push_back(entity_check_to_value(c));
      o.set("entity_checks", Value(std::move(checks)));
    }
    if (!f.fields_->shorthand_fields.empty()) {
      Array shorthands;
      for (const auto& s : f.fields_->shorthand_fields) shorthands.push_back(shorthand_to_value(s));
      o.set("shorthand_fields", Value(std::move(shorthands)));
    }
  }
  if (f.reference_) o.set("reference", *f.reference_);
  if (f.on_delete_) o.set("on_delete", *f.on_delete_);
  return Value(std::move(o));
}

Value entity_check_to_value(const EntityCheck& c) {
  using K = EntityCheck::Kind;
  Object arg;
  auto optional_flags = [&]() {
    if (c.run_with_missing_fields) arg.set("run_with_missing_fields", *c.run_with_missing_fields);
    if (c.run_with_invalid_fields) arg.set("run_with_invalid_fields", *c.run_with_invalid_fields);
  };
  switch (c.kind) {
    case K::AtLeastOneOf:
      return Value::object({{"at_least_one_of", strings(c.fields)}});
    case K::OnlyOneOf:
      return Value::object({{"only_one_of", strings(c.fields)}});
    case K::Distinct:
      return Value::object({{"distinct", strings(c.fields)}});
    case K::MutuallyRequired:
      return Value::object({{"mutually_required", strings(c.fields)}});
    case K::MutuallyExclusive:
      return Value::object({{"mutually_exclusive", strings(c.fields)}});
    case K::MutuallyExclusiveSets:
      return Value::object(
          {{"mutually_exclusive_sets", Value::object({{"set1", strings(c.set1)}, {"set2", strings(c.set2)}})}});
    case K::Conditional:
      arg.set("if_field", c.if_field);
      if (c.if_match) arg.set("if_match", field_to_value(*c.if_match));
      arg.set("then_field", c.then_field);
      if (c.then_match) arg.set("then_match", field_to_value(*c.then_match));
      if (c.then_err) arg.set("then_err", *c.then_err);
      optional_flags();
      return Value::object({{"conditional", Value(std::move(arg))}});
    case K::ConditionalAtLeastOneOf:
      arg.set("if_field", c.if_field);
      if (c.if_match) arg.set("if_match", field_to_value(*c.if_match));
      arg.set("then_at_least_one_of", strings(c.then_at_least_one_of));
      if (c.then_err) arg.set("then_err", *c.then_err);
      if (c.else_match) arg.set("else_match", field_to_value(*c.else_match));
      if (!c.else_then_at_least_one_of.empty()) {
        arg.set("else_then_at_least_one_of", strings(c.else_then_at_least_one_of));
      }
      if (c.else_then_err) arg.set("else_then_err", *c.else_then_err);
      optional_flags();
      return Value::object({{"conditional_at_least_one_of", Value(std::move(arg))}});
    case K::CustomEntityCheck:
      arg.set("field_sources", strings(c.field_sources));
      optional_flags();
      return Value::object({{"custom_entity_check", Value(std::move(arg))}});
  }
  return Value(Object{});
}

Value schema_to_value(const Schema& schema) {
  Array checks;
  for (const auto& c : schema.entity_checks) checks.push_back(entity_check_to_value(c));
  return Value::object({{"entity_checks", Value(std::move(checks))}, {"fields", fields_to_value(schema.fields)}});
}

}  // namespace kongdb::schema
