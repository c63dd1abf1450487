// Validation: fields, elements, entity checks, transformation checks, primary keys.
// Port of kong/db/schema/init.lua: validate_field, validate_fields, run_entity_check,
// run_self_check, run_transformation_checks, validate*, validate_primary_key.
#include <algorithm>
#include <cmath>
#include <set>

#include "kongdb/core/value.h"
#include "kongdb/schema/schema.h"
#include "schema/vault_reference.h"
#include "schema/lua_pattern.h"
#include "schema/regex.h"

namespace kongdb::schema {
namespace {

constexpr std::string_view kRequired = "required field missing";
constexpr std::string_view kUnknown = "unknown field";
constexpr std::string_view kNulInString = "must not contain the NUL character (\\u0000)";

struct Messages {
  std::string required_for_entity_check = "field required for entity check";
  std::string at_least_one_of = "at least one of these fields must be non-empty: ";
  std::string conditional_at_least_one_of = "at least one of these fields must be non-empty: ";
};

// validate_update words its entity-check messages for the update case.
const Messages& messages(bool updating) {
  static const Messages plain;
  static const Messages update{"field required for entity check when updating",
                               "when updating, at least one of these fields must be non-empty: ",
                               "when updating, at least one of these fields must be non-empty: "};
  return updating ? update : plain;
}

std::string format_s(std::string_view fmt, std::string_view arg) {
  std::string out(fmt);
  if (auto pos = out.find("%s"); pos != std::string::npos) out.replace(pos, 2, arg);
  return out;
}

// Kong's is_sequence: empty tables count as sequences; JSON objects never have numeric keys.
bool is_sequence(const Value& v) {
  return v.is_array() || (v.is_object() && v.as_object().empty());
}

const Array& as_sequence(const Value& v) {
  static const Array kEmpty;
  return v.is_array() ? v.as_array() : kEmpty;
}

// Lua-table view of any table as an Object (arrays keyed "1".."n").
Value as_object_view(const Value& v) {
  if (v.is_object()) return v;
  Object o;
  if (v.is_array()) {
    const Array& a = v.as_array();
    for (size_t i = 0; i < a.size(); ++i) o.set(std::to_string(i + 1), a[i]);
  }
  return Value(std::move(o));
}

// get_field(t, "a.b.c") of Kong: dotted paths through nested records.
const Value* get_path(const Value& t, std::string_view name) {
  const Value* cur = &t;
  while (true) {
    if (!cur->is_object()) return nullptr;
    auto dot = name.find('.');
    if (dot == std::string_view::npos) return cur->find(name);
    cur = cur->find(name.substr(0, dot));
    if (!cur) return nullptr;
    name = name.substr(dot + 1);
  }
}

void set_path(Value& t, std::string_view name, Value v) {
  Value* cur = &t;
  while (true) {
    if (!cur->is_object()) *cur = Value(Object{});
    auto dot = name.find('.');
    if (dot == std::string_view::npos) {
      cur->as_object().set(std::string(name), std::move(v));
      return;
    }
    Value& next = cur->as_object()[name.substr(0, dot)];
    if (!next.is_object()) next = Value(Object{});
    cur = &next;
    name = name.substr(dot + 1);
  }
}

void insert_entity_error(Value& errors, std::string msg) {
  Value& list = errors.as_object()["@entity"];
  if (!list.is_array()) list = Value(Array{});
  list.as_array().push_back(Value(std::move(msg)));
}

// A schema plus the subschema whose fields take precedence, as Kong's fields proxy does.
struct FieldScope {
  const Schema& schema;
  const Schema* subschema;

  const Field* lookup(std::string_view name) const {
    auto dot = name.find('.');
    std::string_view head = name.substr(0, dot);
    const Field* f = nullptr;
    if (subschema) f = subschema->field(head);
    if (!f) f = schema.field(head);
    while (f && dot != std::string_view::npos) {
      name = name.substr(dot + 1);
      dot = name.find('.');
      head = name.substr(0, dot);
      f = (f->fields_) ? f->fields_->field(head) : nullptr;
    }
    return f;
  }
};

size_t table_length(const Value& v, FieldType type) {
  if (v.is_string()) return v.as_string().size();
  if (v.is_array()) return v.as_array().size();
  // Kong counts a map's keys; any other table has no sequence part.
  if (v.is_object() && type == FieldType::Map) return v.as_object().size();
  return 0;
}

std::string number_text(double d) { return lua_number_string(d); }

std::string join_values(const std::vector<Value>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += values[i].to_lua_string();
  }
  return out;
}

// The validators in Kong's fixed order; nullopt when all pass.
std::optional<std::string> run_validators(const Field& field, const Value& value) {
  FieldType type = field.type();
  if (field.eq_ && !(value == *field.eq_)) {
    return "value must be " + field.eq_->to_lua_string();
  }
  if (field.ne_ && value == *field.ne_) {
    return "value must not be " + (field.ne_->is_null() ? std::string("null") : value.to_lua_string());
  }
  if (field.not_one_of_) {
    for (const Value& o : *field.not_one_of_) {
      if (value == o) return "must not be one of: " + join_values(*field.not_one_of_);
    }
  }
  if (field.one_of_) {
    bool found = std::any_of(field.one_of_->begin(), field.one_of_->end(),
                             [&](const Value& o) { return value == o; });
    if (!found) return "expected one of: " + join_values(*field.one_of_);
  }
  if (field.gt_ && value.is_number() && !(value.as_number() > *field.gt_)) {
    return "value must be greater than " + number_text(*field.gt_);
  }
  if (field.is(field.timestamp_) && value.is_number() && !(value.as_number() > 0)) {
    return std::string("expected a valid timestamp");
  }
  if (field.is(field.uuid_) && value.is_string() && !is_valid_uuid(value.as_string())) {
    return std::string("expected a valid UUID");
  }
  if (field.is(field.is_regex_) && value.is_string() && pcre_compile_error(value.as_string())) {
    return "not a valid regex: " + value.as_string();
  }
  if (field.between_ && value.is_number()) {
    double v = value.as_number();
    if (v < field.between_->first || v > field.between_->second) {
      return "value should be between " + std::to_string(static_cast<long long>(field.between_->first)) +
             " and " + std::to_string(static_cast<long long>(field.between_->second));
    }
  }
  std::optional<int64_t> len_min = field.len_min_;
  if (type == FieldType::String && !len_min) len_min = 1;  // empty strings are refused by default
  if (field.len_eq_ || len_min || field.len_max_) {
    auto len = static_cast<int64_t>(table_length(value, type));
    if (field.len_eq_ && len != *field.len_eq_) {
      return "length must be " + std::to_string(*field.len_eq_);
    }
    if (len_min && len < *len_min) return "length must be at least " + std::to_string(*len_min);
    if (field.len_max_ && len > *field.len_max_) {
      return "length must be at most " + std::to_string(*field.len_max_);
    }
  }
  if (value.is_string()) {
    const std::string& s = value.as_string();
    if (field.starts_with_ && s.compare(0, field.starts_with_->size(), *field.starts_with_) != 0) {
      return "should start with: " + *field.starts_with_;
    }
    if (field.not_match_ && lua_pattern_matches(s, *field.not_match_)) {
      return "invalid value: " + s;
    }
    if (field.match_none_) {
      for (const PatternRule& r : *field.match_none_) {
        if (lua_pattern_matches(s, r.pattern)) return r.err;
      }
    }
    if (field.match_ && !lua_pattern_matches(s, *field.match_)) return "invalid value: " + s;
    if (field.match_all_) {
      for (const PatternRule& r : *field.match_all_) {
        if (!lua_pattern_matches(s, r.pattern)) return r.err;
      }
    }
    if (field.match_any_) {
      bool any = std::any_of(field.match_any_->patterns.begin(), field.match_any_->patterns.end(),
                             [&](const std::string& p) { return lua_pattern_matches(s, p); });
      if (!any) return field.match_any_->err;
    }
  }
  if (field.contains_ && value.is_array()) {
    const Array& a = value.as_array();
    if (std::find(a.begin(), a.end(), *field.contains_) == a.end()) {
      return "expected to contain: " + field.contains_->to_lua_string();
    }
  }
  if (field.custom_validator_) {
    std::string err;
    if (!field.custom_validator_(value, err)) {
      return err.empty() ? "failed validating: " + value.to_lua_string() : err;
    }
  }
  if (field.mutually_exclusive_subsets_ && value.is_array()) {
    std::vector<const std::vector<std::string>*> member_of;
    for (const Value& v : value.as_array()) {
      if (!v.is_string()) continue;
      for (const auto& subset : *field.mutually_exclusive_subsets_) {
        if (std::find(subset.begin(), subset.end(), v.as_string()) != subset.end()) {
          if (std::find(member_of.begin(), member_of.end(), &subset) == member_of.end()) {
            member_of.push_back(&subset);
          }
        }
      }
    }
    if (member_of.size() > 1) {
      std::string msg = "these sets are mutually exclusive: ";
      for (size_t i = 0; i < member_of.size(); ++i) {
        if (i) msg += ", ";
        msg += "(" + quoted_list(*member_of[i]) + ")";
      }
      return msg;
    }
  }
  return std::nullopt;
}

// A null value against `field`; members of arrays, sets and maps are always required.
std::optional<Value> null_error(const Field& field, bool required) {
  if (field.ne_ && field.ne_->is_null()) {
    return Value(field.err_.value_or("value must not be null"));
  }
  if (field.eq_ && !field.eq_->is_null()) {
    return Value("value must be " + field.eq_->to_lua_string());
  }
  if (required) return Value(kRequired);
  return std::nullopt;
}

const Field& any_field() {
  static const Field any = Field::of(FieldType::Any);
  return any;
}

}  // namespace

std::optional<Value> Schema::validate_member(const Field& field, const Value& value) const {
  if (value.is_null()) return null_error(field, true);
  return validate_field(field, value);
}

std::optional<Value> Schema::validate_field(const Field& field, const Value& value) const {
  if (value.is_null()) return null_error(field, field.is_required());
  if (field.eq_ && field.eq_->is_null()) {
    return Value(field.err_.value_or("value must be null"));
  }
  if (field.is(field.abstract_)) {
    return Value("error in schema definition: abstract field was not specialized");
  }

  switch (field.type()) {
    case FieldType::Array:
    case FieldType::Set: {
      if (!is_sequence(value)) {
        return Value(field.type() == FieldType::Array ? "expected an array" : "expected a set");
      }
      if (!field.elements_) break;
      const Field& elements = *field.elements_;
      const Array& items = as_sequence(value);
      Array errs;
      for (size_t i = 0; i < items.size(); ++i) {
        if (auto err = validate_member(elements, items[i])) {
          errs.resize(i + 1);
          errs[i] = std::move(*err);
        }
      }
      if (!errs.empty()) return Value(std::move(errs));
      break;
    }
    case FieldType::Map: {
      if (!value.is_table()) return Value("expected a map");
      const Field& keys = field.keys_ ? *field.keys_ : any_field();
      const Field& values = field.values_ ? *field.values_ : any_field();
      if (value.is_array()) {
        const Array& a = value.as_array();
        for (size_t i = 0; i < a.size(); ++i) {
          if (auto err = validate_member(keys, Value(static_cast<long long>(i + 1)))) return err;
          if (auto err = validate_member(values, a[i])) return err;
        }
      } else {
        for (const auto& [k, v] : value.as_object()) {
          if (auto err = validate_member(keys, Value(k))) return err;
          if (auto err = validate_member(values, v)) return err;
        }
      }
      break;
    }
    case FieldType::Record: {
      if (!value.is_table()) return Value("expected a record");
      if (!field.fields_) break;
      auto processed = field.fields_->process_auto_fields(as_object_view(value), Context::Insert);
      if (!processed) return processed.error();
      if (auto errs = field.fields_->validate(processed->data)) return errs;
      break;
    }
    case FieldType::Foreign: {
      const Schema* foreign = field.foreign_schema_;
      if (!foreign) {
        return Value("schema refers to an invalid foreign entity: " + field.reference_.value_or(""));
      }
      if (auto errs = foreign->validate_primary_key(value, true)) {
        if (value.is_table()) {
          if (auto ferrs = foreign->validate(as_object_view(value), false)) return ferrs;
        }
        return errs;
      }
      break;
    }
    case FieldType::Integer: {
      // A whole float counts only while it is exact (|v| <= 2^53): larger ones are no integer any
      // backend column holds (PostgreSQL's bigint refused them with a 500).
      constexpr double kLargestExactInteger = 9007199254740992.0;
      bool ok = value.is_integer() ||
                (value.is_float() && std::isfinite(value.as_number()) &&
                 std::floor(value.as_number()) == value.as_number() &&
                 std::fabs(value.as_number()) <= kLargestExactInteger);
      if (!ok) return Value("expected an integer");
      break;
    }
    case FieldType::Number:
      if (!value.is_number()) return Value("expected a number");
      break;
    case FieldType::Boolean:
      if (!value.is_boolean()) return Value("expected a boolean");
      break;
    case FieldType::String:
      if (!value.is_string()) return Value("expected a string");
      // PostgreSQL's TEXT cannot hold NUL, so no backend stores it: one refusal for all of them.
      if (value.as_string().find('\0') != std::string::npos) return Value(std::string(kNulInString));
      if (field.is(field.referenceable_) && is_vault_reference(value.as_string())) {
        return std::nullopt;
      }
      break;
    case FieldType::Function:
      return Value("expected a function");  // JSON and Value never carry functions
    case FieldType::Json:
    case FieldType::Any:
      break;
  }

  if (field.is(field.timestamp_) && value.is_number()) {
    // Seconds within PostgreSQL's TIMESTAMPTZ range (4714 BC .. 294276 AD), so every backend
    // refuses what one cannot store (Kong on PostgreSQL answers a database error there).
    constexpr double kEarliestTimestamp = -210866803200.0;
    constexpr double kLatestTimestamp = 9224318015999.0;
    if (!(value.as_number() >= kEarliestTimestamp && value.as_number() <= kLatestTimestamp)) {
      return Value("value should be between -210866803200 and 9224318015999");
    }
  }
  if (auto err = run_validators(field, value)) {
    return Value(field.err_ ? *field.err_ : *err);
  }
  return std::nullopt;
}

namespace {

struct Validation {
  const Schema& self;
  bool full_check;
  bool updating;
  const Value* original_input;
  const Value* rbw_entity;

  Value validate_fields(const Value& input, const Schema* subschema) const {
    Value errors{Object{}};
    for (const auto& [k, v] : input.as_object()) {
      if ((k == "ttl" && self.ttl) || k == "updated_at") continue;  // Kong never checks these
      const Field* field = self.resolve_field(k, subschema);
      if (!field) {
        errors.as_object().set(k, Value(kUnknown));
        continue;
      }
      if (auto err = self.validate_field(*field, v)) errors.as_object().set(k, std::move(*err));
    }
    return errors;
  }

  void run_entity_check(const EntityCheck& check, const Value& input, const FieldScope& scope,
                        Value& errors) const {
    using K = EntityCheck::Kind;
    const Messages& msg = messages(updating);
    // The named fields and whether each is required; pointers into `check`, no copies.
    struct Named {
      const std::string* name;
      bool required;
    };
    std::vector<Named> fields_to_check;
    fields_to_check.reserve(8);
    bool checker_missing_ok = false;  // checker.run_with_missing_fields
    bool checker_invalid_ok = false;  // checker.run_with_invalid_fields
    auto add = [&](const std::vector<std::string>& names, bool required) {
      for (const auto& n : names) fields_to_check.push_back({&n, required});
    };
    auto add_one = [&](const std::string& name, bool required) { fields_to_check.push_back({&name, required}); };
    switch (check.kind) {
      case K::AtLeastOneOf:
        checker_missing_ok = checker_invalid_ok = true;
        add(check.fields, true);
        break;
      case K::OnlyOneOf:
      case K::Distinct:
        checker_invalid_ok = true;
        add(check.fields, true);
        break;
      case K::MutuallyRequired:
      case K::MutuallyExclusive:
        checker_missing_ok = true;
        add(check.fields, true);
        break;
      case K::Conditional:
        checker_invalid_ok = true;
        add_one(check.if_field, true);
        add_one(check.then_field, false);
        break;
      case K::ConditionalAtLeastOneOf:
        checker_missing_ok = checker_invalid_ok = true;
        add_one(check.if_field, false);
        add(check.then_at_least_one_of, false);
        add(check.else_then_at_least_one_of, false);
        break;
      case K::CustomEntityCheck:
        add(check.field_sources, true);
        break;
      case K::MutuallyExclusiveSets:
        checker_missing_ok = true;
        add(check.set1, false);
        add(check.set2, false);
        break;
    }
    bool run_missing = checker_missing_ok || check.run_with_missing_fields.value_or(false);
    bool run_invalid = checker_invalid_ok || check.run_with_invalid_fields.value_or(false);

    std::vector<const std::string*> missing;
    bool all_nil = true;
    bool all_ok = true;
    for (const Named& named : fields_to_check) {
      const std::string& fname = *named.name;
      // A field named twice counts as required if any mention requires it (Kong's set).
      bool required = std::any_of(fields_to_check.begin(), fields_to_check.end(),
                                  [&](const Named& n) { return n.required && *n.name == fname; });
      const Value* value = get_path(input, fname);
      if (!value) {
        const Field* f = scope.lookup(fname);
        if (!run_missing && required && !(f && f->is(f->nilable_))) {
          missing.push_back(&fname);
        }
      } else {
        all_nil = false;
        if (value->is_string() && is_vault_reference(value->as_string())) {
          const Field* f = scope.lookup(fname);
          if (f && f->type() == FieldType::String && f->is(f->referenceable_)) return;
        }
      }
      if (errors.find(fname)) all_ok = false;
    }
    if (!all_ok && !run_invalid) return;
    if (all_nil && !(checker_missing_ok && full_check)) return;
    if (!missing.empty()) {
      for (const std::string* m : missing) set_path(errors, *m, Value(msg.required_for_entity_check));
      return;
    }

    // Built-in checkers only read the fields they name, so they read `input` directly;
    // custom checks get Kong's projection of just those fields.
    auto nonempty = [&](const std::string& name) {
      const Value* v = get_path(input, name);
      return v && v->is_nonempty();
    };
    // A match spec laid over the field it names (prepared once by Schema::prepare()).
    auto effective_field = [&](const std::string& name, const std::optional<Field>& patch,
                               const std::shared_ptr<const Field>& prepared) -> std::shared_ptr<const Field> {
      if (prepared) return prepared;
      const Field* base = scope.lookup(name);
      return std::make_shared<const Field>(base ? base->overlay(patch ? *patch : Field{}) : (patch ? *patch : Field{}));
    };
    auto field_passes = [&](const std::string& name, const std::optional<Field>& patch,
                            const std::shared_ptr<const Field>& prepared, const Value* value) {
      if (!value) return false;  // validating nil fails every type check in Kong
      return !self.validate_field(*effective_field(name, patch, prepared), *value).has_value();
    };

    switch (check.kind) {
      case K::AtLeastOneOf: {
        if (std::any_of(check.fields.begin(), check.fields.end(), nonempty)) return;
        insert_entity_error(errors, msg.at_least_one_of + quoted_list(check.fields));
        return;
      }
      case K::OnlyOneOf: {
        auto n = std::count_if(check.fields.begin(), check.fields.end(), nonempty);
        if (n == 1) return;
        insert_entity_error(errors,
                            "exactly one of these fields must be non-empty: " + quoted_list(check.fields));
        return;
      }
      case K::Distinct: {
        std::vector<const Value*> seen;
        for (const auto& name : check.fields) {
          const Value* v = get_path(input, name);
          if (!v || !v->is_nonempty()) continue;
          // Lua tables compare by identity, so only scalars can collide.
          if (!v->is_table()) {
            for (const Value* s : seen) {
              if (*s == *v) {
                insert_entity_error(errors, "values of these fields must be distinct: " +
                                                quoted_list(check.fields));
                return;
              }
            }
          }
          seen.push_back(v);
        }
        return;
      }
      case K::MutuallyRequired:
      case K::MutuallyExclusive: {
        auto n = static_cast<size_t>(std::count_if(check.fields.begin(), check.fields.end(), nonempty));
        bool ok = check.kind == K::MutuallyRequired ? (n == 0 || n == check.fields.size()) : n <= 1;
        if (ok) return;
        insert_entity_error(errors, std::string(check.kind == K::MutuallyRequired
                                                    ? "all or none of these fields must be set: "
                                                    : "only one or none of these fields must be set: ") +
                                        quoted_list(check.fields));
        return;
      }
      case K::MutuallyExclusiveSets: {
        std::vector<std::string> n1, n2;
        for (const auto& n : check.set1) {
          if (nonempty(n)) n1.push_back(n);
        }
        for (const auto& n : check.set2) {
          if (nonempty(n)) n2.push_back(n);
        }
        if (!n1.empty() && !n2.empty()) {
          insert_entity_error(errors, "these sets are mutually exclusive: (" + quoted_list(n1) +
                                          "), (" + quoted_list(n2) + ")");
        }
        return;
      }
      case K::Conditional: {
        const Value* if_value = get_path(input, check.if_field);
        const Value* then_found = get_path(input, check.then_field);
        static const Value kNull;
        const Value& then_value = then_found ? *then_found : kNull;
        if (!field_passes(check.if_field, check.if_match, check.if_effective, if_value)) return;
        auto fail = [&](Value err) {
          set_path(errors, check.then_field, std::move(err));
          insert_entity_error(errors,
                              check.then_err ? format_s(*check.then_err, check.if_field)
                                             : "failed conditional validation given value of field '" +
                                                   check.if_field + "'");
        };
        if (check.then_match && check.then_match->is_required() && then_value.is_null()) {
          fail(Value(kRequired));
          return;
        }
        auto effective = effective_field(check.then_field, check.then_match, check.then_effective);
        if (auto err = self.validate_field(*effective, then_value)) fail(std::move(*err));
        return;
      }
      case K::ConditionalAtLeastOneOf: {
        const Value* if_value = get_path(input, check.if_field);
        if (!if_value) return;
        const std::vector<std::string>* names = &check.then_at_least_one_of;
        const std::optional<std::string>* custom = &check.then_err;
        if (!field_passes(check.if_field, check.if_match, check.if_effective, if_value)) {
          if (!check.else_match) return;
          if (!field_passes(check.if_field, check.else_match, check.else_effective, if_value)) return;
          names = &check.else_then_at_least_one_of;
          custom = &check.else_then_err;
        }
        if (std::any_of(names->begin(), names->end(), nonempty)) return;
        std::string list = quoted_list(*names);
        insert_entity_error(errors, *custom ? format_s(**custom, list)
                                            : msg.conditional_at_least_one_of + list);
        return;
      }
      case K::CustomEntityCheck: {
        if (!check.fn) return;
        Value check_input{Object{}};
        for (const Named& named : fields_to_check) {
          if (const Value* v = get_path(input, *named.name)) set_path(check_input, *named.name, *v);
        }
        auto err = check.fn(check_input);
        if (!err) return;
        insert_entity_error(errors, err->empty()
                                        ? "failed entity check: custom_entity_check({ field_sources = { " +
                                              quoted_list(check.field_sources) + " } })"
                                        : *err);
        return;
      }
    }
  }

  void run_self_check(const Value& input, Value& errors) const {
    bool ok = true;
    for (const auto& [fname, f] : self.fields) {
      if (!input.find(fname) && !f.is(f.nilable_)) {
        errors.as_object().set(fname, Value("field required for entity check"));
        ok = false;
      }
    }
    if (!ok) return;
    auto err = self.check(input);
    if (!err) return;
    if (err->is_string()) {
      insert_entity_error(errors, err->as_string());
    } else if (err->is_array()) {
      for (const Value& e : err->as_array()) insert_entity_error(errors, e.to_lua_string());
    } else if (err->is_object()) {
      for (const auto& [k, v] : err->as_object()) errors.as_object().set(k, v);
    } else {
      insert_entity_error(errors, "entity check failed");
    }
  }

  void run_transformation_checks(const Schema& s, const Value& input, Value& errors) const {
    const Value& source = original_input ? *original_input : input;
    auto mutually_required_ok = [](const Value& t, const std::vector<std::string>& names) {
      size_t n = 0;
      for (const auto& name : names) {
        const Value* v = get_path(t, name);
        if (v && v->is_nonempty()) ++n;
      }
      return n == 0 || n == names.size();
    };
    for (const Transformation& tr : s.transformations) {
      if (tr.input.empty() && tr.needs.empty()) continue;
      std::vector<std::string> args;
      bool none_set = true;
      for (const auto& name : tr.input) {
        const Value* v = get_path(source, name);
        if (v && v->is_nonempty()) none_set = false;
        args.push_back(name);
      }
      bool needs_changed = false;
      for (const auto& name : tr.needs) {
        if (rbw_entity && !needs_changed) {
          const Value* v = get_path(source, name);
          const Value* r = get_path(*rbw_entity, name);
          if ((v == nullptr) != (r == nullptr) || (v && !(*v == *r))) needs_changed = true;
        }
        args.push_back(name);
      }
      if (!needs_changed && none_set) continue;
      const Value& subject = needs_changed ? source : input;
      if (!mutually_required_ok(subject, args)) {
        insert_entity_error(errors, "all or none of these fields must be set: " + quoted_list(args));
      } else if (!mutually_required_ok(source, tr.input)) {
        insert_entity_error(errors,
                            "all or none of these fields must be set: " + quoted_list(tr.input));
      }
    }
    if (const Schema* sub = s.get_subschema(input)) run_transformation_checks(*sub, input, errors);
  }

  std::optional<Value> run(const Value& raw_input) const {
    Value converted;
    if (!raw_input.is_object()) converted = as_object_view(raw_input);
    const Value& input = raw_input.is_object() ? raw_input : converted;
    if (self.subschema_key) {
      const Value* key = input.find(*self.subschema_key);
      if (!key || key->is_null()) {
        return Value::object({{*self.subschema_key, Value(kRequired)}});
      }
      if (!self.get_subschema(input)) {
        std::string shown;
        if (key->is_string()) {
          shown = key->as_string();
        } else if (key->is_array() && !key->as_array().empty()) {
          shown = key->as_array()[0].to_lua_string();
        } else {
          shown = "nil";
        }
        return Value::object(
            {{*self.subschema_key, Value(format_s(self.subschema_error.value_or("unknown type: %s"), shown))}});
      }
    }
    const Schema* subschema = self.get_subschema(input);
    Value errors = validate_fields(input, subschema);
    for (const auto& [name, f] : self.fields) {
      if (!f.is_required()) continue;
      const Value* v = input.find(name);
      if ((v && v->is_null()) || (full_check && !v)) errors.as_object().set(name, Value(kRequired));
    }
    FieldScope scope{self, nullptr};
    for (const EntityCheck& c : self.entity_checks) run_entity_check(c, input, scope, errors);
    if (subschema) {
      FieldScope sub_scope{self, subschema};
      for (const EntityCheck& c : subschema->entity_checks) run_entity_check(c, input, sub_scope, errors);
    }
    if (self.check && full_check) run_self_check(input, errors);
    run_transformation_checks(self, input, errors);
    if (errors.as_object().empty()) return std::nullopt;
    return errors;
  }
};

}  // namespace

namespace {

void prepare_checks(std::vector<EntityCheck>& checks, const FieldScope& scope) {
  auto lay = [&](const std::string& name, const std::optional<Field>& patch) -> std::shared_ptr<const Field> {
    if (!patch) return nullptr;
    const Field* base = scope.lookup(name);
    return std::make_shared<const Field>(base ? base->overlay(*patch) : *patch);
  };
  for (EntityCheck& c : checks) {
    c.if_effective = lay(c.if_field, c.if_match);
    c.then_effective = lay(c.then_field, c.then_match);
    c.else_effective = lay(c.if_field, c.else_match);
  }
}

void prepare_records(Fields& fields) {
  for (auto& [name, f] : fields) {
    if (f.fields_) {
      auto nested = std::make_shared<Schema>(*f.fields_);
      nested->prepare();  // also indexes the record's fields
      f.fields_ = std::move(nested);
    }
  }
}

}  // namespace

void Schema::prepare() {
  field_index_.clear();
  for (size_t i = 0; i < fields.size(); ++i) field_index_.emplace(fields[i].first, i);
  prepare_records(fields);
  prepare_checks(entity_checks, FieldScope{*this, nullptr});
  for (auto& [key, sub] : subschemas) {
    auto copy = std::make_shared<Schema>(*sub);
    prepare_records(copy->fields);
    copy->field_index_.clear();
    for (size_t i = 0; i < copy->fields.size(); ++i) copy->field_index_.emplace(copy->fields[i].first, i);
    prepare_checks(copy->entity_checks, FieldScope{*this, copy.get()});
    sub = std::move(copy);
  }
}

std::optional<Value> Schema::validate(const Value& input, bool full_check,
                                      const Value* original_input, const Value* rbw_entity) const {
  return Validation{*this, full_check, false, original_input, rbw_entity}.run(input);
}

std::optional<Value> Schema::validate_insert(const Value& input, const Value* original_input) const {
  return Validation{*this, true, false, original_input, nullptr}.run(input);
}

std::optional<Value> Schema::validate_update(const Value& input, const Value* original_input,
                                             const Value* rbw_entity) const {
  return Validation{*this, false, true, original_input, rbw_entity}.run(input);
}

std::optional<Value> Schema::validate_upsert(const Value& input, const Value* original_input) const {
  return Validation{*this, true, false, original_input, nullptr}.run(input);
}

std::optional<Value> Schema::validate_primary_key(const Value& pk, bool ignore_others) const {
  Object errors;
  for (const std::string& k : primary_key) {
    const Field* f = field(k);
    const Value* v = pk.find(k);
    if (!v || (v->is_boolean() && !v->as_boolean())) {
      errors.set(k, Value("missing primary key"));
    } else if (f && (f->is_required() || f->is_auto()) && v->is_null()) {
      errors.set(k, Value(kRequired));
    } else if (f) {
      if (auto err = validate_field(*f, *v)) errors.set(k, std::move(*err));
    }
  }
  if (!ignore_others && pk.is_object()) {
    for (const auto& [k, _] : pk.as_object()) {
      if (std::find(primary_key.begin(), primary_key.end(), k) == primary_key.end()) {
        errors.set(k, Value("not a primary key"));
      }
    }
  }
  if (errors.empty()) return std::nullopt;
  return Value(std::move(errors));
}

std::optional<Value> Schema::validate_immutable_fields(const Value& input, const Value& entity) const {
  Object errors;
  const Schema* subschema = get_subschema(input);
  for (const auto& [key, _] : fields) {
    const Field* f = resolve_field(key, subschema);
    const Value* in = input.find(key);
    const Value* old = entity.find(key);
    if (!f || !f->is(f->immutable_) || !in || !old) continue;
    bool same;
    if (in->is_array() && old->is_array()) {
      // Arrays compare without regard to order.
      Array a = in->as_array(), b = old->as_array();
      same = a.size() == b.size() && std::all_of(a.begin(), a.end(), [&](const Value& x) {
               return std::count(a.begin(), a.end(), x) == std::count(b.begin(), b.end(), x);
             });
    } else {
      same = *in == *old;
    }
    if (!same) errors.set(key, Value("immutable field cannot be updated"));
  }
  if (errors.empty()) return std::nullopt;
  return Value(std::move(errors));
}

std::string Schema::errors_to_string(const Value& errors) {
  if (!errors.is_object() || errors.as_object().empty()) return {};
  std::function<std::string(const Value&)> summarize = [&](const Value& errs) {
    std::vector<std::string> msgs;
    if (const Value* entity = errs.find("@entity"); entity && entity->is_array()) {
      for (const Value& e : entity->as_array()) msgs.push_back(e.to_lua_string());
    }
    if (errs.is_object()) {
      for (const auto& [k, v] : errs.as_object()) {
        if (k == "@entity") continue;
        msgs.push_back(k + ": " + (v.is_table() ? summarize(as_object_view(v)) : v.to_lua_string()));
      }
    }
    std::string out;
    for (size_t i = 0; i < msgs.size(); ++i) {
      if (i) out += "; ";
      out += msgs[i];
    }
    return "Validation error: " + out;
  };
  return summarize(errors);
}

}  // namespace kongdb::schema
