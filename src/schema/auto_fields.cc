// process_auto_fields, merge_values and transformations.
// Port of kong/db/schema/init.lua: process_auto_fields, adjust_field_for_context,
// handle_missing_field, merge_values, transform.
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "kongdb/schema/schema.h"

namespace kongdb::schema {
namespace {

struct AutoFields {
  Context context;
  const AutoFieldsOptions& opts;
  Clock& clock;
  IdGenerator& ids;

  // A missing field's value, or nullopt to leave it absent.
  std::optional<Value> handle_missing_field(const Field& field) const {
    if (field.default_ && !opts.no_defaults) {
      return *field.default_;
    }
    if (field.is(field.nilable_)) return std::nullopt;
    if (!field.is_required()) return Value();  // nullable: explicit null
    if (field.is(field.abstract_)) return std::nullopt;
    if (field.type() == FieldType::Record && field.fields_) {
      auto r = field.fields_->process_auto_fields(Value(Object{}), Context::Insert, opts);
      if (r) return std::move(r->data);
    }
    return std::nullopt;  // required without default: validation reports it
  }

  bool should_recurse_record(const Value* value, const Field& field) const {
    if (context == Context::Update) return value && !value->is_null();
    return (value && !value->is_null()) || (!value && field.is_required());
  }

  // Returns nullopt to leave the slot absent; otherwise the adjusted value.
  tl::expected<std::optional<Value>, Value> adjust(const Field& field, std::optional<Value> value) const {
    if (context == Context::Select && value && value->is_null() && field.is_required()) {
      return handle_missing_field(field);
    }
    if (field.is(field.abstract_)) return value;

    if (field.type() == FieldType::Record) {
      if (should_recurse_record(value ? &*value : nullptr, field)) {
        if (!value) value = handle_missing_field(field);
        if (value && value->is_table() && field.fields_) {
          Value record = value->is_object() ? std::move(*value) : Value(Object{});
          auto r = field.fields_->process_auto_fields(std::move(record), context, opts);
          if (!r) return tl::unexpected(r.error());
          return std::optional<Value>(std::move(r->data));
        }
      }
    } else if (value && value->is_table()) {
      const Field* sub = nullptr;
      if (field.type() == FieldType::Array || field.type() == FieldType::Set) {
        if (value->is_object() && value->as_object().empty()) {
          *value = Value(Array{});  // an empty table stands for an empty array here
        }
        if (field.type() == FieldType::Set && value->is_array()) dedup(value->as_array());
        sub = field.elements_.get();
      } else if (field.type() == FieldType::Map) {
        sub = field.values_.get();
      }
      if (sub) {
        auto adjust_slot = [&](Value& slot) -> tl::expected<void, Value> {
          auto r = adjust(*sub, std::move(slot));
          if (!r) return tl::unexpected(r.error());
          slot = r->value_or(Value());
          return {};
        };
        if (value->is_array()) {
          for (Value& item : value->as_array()) {
            if (auto r = adjust_slot(item); !r) return tl::unexpected(r.error());
          }
        } else {
          for (auto& [k, item] : value->as_object()) {
            if (auto r = adjust_slot(item); !r) return tl::unexpected(r.error());
          }
        }
      }
    } else if (value && field.type() == FieldType::Integer && value->is_float()) {
      double d = value->as_number();
      if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.2e18) {
        value = Value(static_cast<long long>(d));  // Lua has one number type; keep integers integral
      }
    }

    if (!value && context != Context::Update) return handle_missing_field(field);
    return value;
  }

  // First occurrence wins, as Kong's set does. Hashed so a set of thousands of tags stays linear.
  static void dedup(Array& items) {
    Array out;
    out.reserve(items.size());
    std::unordered_set<std::string> seen_strings;
    for (Value& v : items) {
      if (v.is_string()) {
        if (seen_strings.insert(v.as_string()).second) out.push_back(std::move(v));
      } else if (std::find(out.begin(), out.end(), v) == out.end()) {
        // Value equality (1 == 1.0, key order ignored) has no cheap hash; such sets are small.
        out.push_back(std::move(v));
      }
    }
    items = std::move(out);
  }
};

void merge_table_into(Value& target, const Value& source) {
  if (!target.is_object()) target = Value(Object{});
  if (!source.is_object()) return;
  for (const auto& [k, v] : source.as_object()) target.as_object().set(k, v);
}

// Kong's table_path: nullptr when a step is missing.
const Value* value_at_path(const Value& t, const std::vector<std::string>& path) {
  const Value* cur = &t;
  for (const std::string& step : path) {
    cur = cur->is_object() ? cur->find(step) : nullptr;
    if (!cur) return nullptr;
  }
  return cur;
}

// Kong's validate_deprecation_exclusiveness: a deprecated shorthand and its replacement may
// both be given only when they agree.
std::optional<Value> deprecation_mismatch(const Value& data, const ShorthandField& sh,
                                          const Value& value) {
  if (value.is_null() || !sh.deprecation) return std::nullopt;
  for (const auto& path : sh.deprecation->replaced_with) {
    const Value* current = value_at_path(data, path);
    if (current && !current->is_null() && !(*current == value)) {
      std::string joined;
      for (const std::string& step : path) joined += (joined.empty() ? "" : ".") + step;
      return Value("both deprecated and new field are used but their values mismatch: " +
                   sh.name + " = " + value.to_lua_string() + " vs " + joined + " = " +
                   current->to_lua_string());
    }
  }
  return std::nullopt;
}

}  // namespace

tl::expected<AutoFieldsResult, Value> Schema::process_auto_fields(Value data, Context context,
                                                                  const AutoFieldsOptions& opts) const {
  const bool is_select = context == Context::Select;
  if (!data.is_object()) data = Value(Object{});
  Object& obj = data.as_object();

  if (!shorthand_fields.empty()) {
    Object errs;
    for (const ShorthandField& sh : shorthand_fields) {
      const auto& dep = sh.deprecation;
      if (Value* value = obj.find(sh.name)) {
        if (auto err = validate_field(sh.field, *value)) {
          errs.set(sh.name, std::move(*err));
        } else if (auto mismatch = deprecation_mismatch(data, sh, *value)) {
          errs.set(sh.name, std::move(*mismatch));
        } else {
          Value input = std::move(*value);
          obj.erase(sh.name);
          Value new_values = sh.func ? sh.func(input) : Value();
          if (new_values.is_object()) {
            for (const auto& [k, v] : new_values.as_object()) {
              if (v.is_object()) {
                Value& slot = obj[k];
                // A deprecated shorthand yields to values already given under the new name.
                if (dep) {
                  Value merged = v;
                  if (slot.is_object()) {
                    for (const auto& [sk, sv] : slot.as_object()) {
                      if (!merged.as_object().find(sk) || !sv.is_null()) merged.as_object().set(sk, sv);
                    }
                  }
                  slot = std::move(merged);
                } else {
                  merge_table_into(slot, v);
                }
              } else if (!dep) {
                obj.set(k, v);
              } else if (const Value* cur = obj.find(k); !cur || cur->is_null()) {
                obj.set(k, v);
              }
            }
          }
        }
      }
      // Reads echo a deprecated shorthand from the field that replaced it.
      if (is_select && !opts.hide_shorthands && dep && !dep->replaced_with.empty()) {
        if (const Value* v = value_at_path(data, dep->replaced_with.front())) {
          obj.set(sh.name, *v);
        } else {
          obj.erase(sh.name);
        }
      }
    }
    if (!errs.empty()) return tl::unexpected(Value(std::move(errs)));
  }

  Clock& clock = opts.clock ? *opts.clock : system_clock();
  IdGenerator& ids = opts.ids ? *opts.ids : random_ids();
  AutoFields af{context, opts, clock, ids};
  const bool insert_or_upsert = context == Context::Insert || context == Context::Upsert;
  bool check_immutable = false;
  const Schema* subschema = get_subschema(data);
  // Output follows schema order; unknown keys stay (validation reports them) at the end.
  Object ordered;
  ordered.reserve(obj.size() + fields.size());

  // Rows read from storage arrive in schema order: look at the next entry before searching.
  size_t hint = 0;
  auto take = [&](const std::string& key) -> Value* {
    if (hint < obj.size()) {
      auto& entry = *(obj.begin() + static_cast<std::ptrdiff_t>(hint));
      if (entry.first == key) {
        ++hint;
        return &entry.second;
      }
    }
    return obj.find(key);
  };

  for (const auto& [key, base_field] : fields) {
    const Field& field = subschema ? *resolve_field(key, subschema) : base_field;
    std::optional<Value> value;
    if (Value* v = take(key)) value = std::move(*v);

    if (!is_select && field.is_auto()) {
      if (field.is(field.uuid_)) {
        if (insert_or_upsert && !value) value = Value(ids.uuid());
      } else if (field.type() == FieldType::String) {
        if (insert_or_upsert && !value) value = Value(ids.random_string());
      } else if ((key == "created_at" && insert_or_upsert && (!value || value->is_null())) ||
                 (key == "updated_at" && (insert_or_upsert || context == Context::Update))) {
        if (field.type() == FieldType::Number) {
          value = Value(clock.now());
        } else if (field.type() == FieldType::Integer) {
          value = Value(static_cast<long long>(clock.time()));
        }
      }
    }

    auto adjusted = af.adjust(field, std::move(value));
    if (!adjusted) return tl::unexpected(adjusted.error());
    value = std::move(*adjusted);

    if (is_select) {
      if (value && value->is_null() && !opts.nulls) {
        value.reset();
      } else if (value && field.type() == FieldType::Integer && value->is_float()) {
        value = Value(static_cast<long long>(std::floor(value->as_number())));
      } else if (value && value->is_string() && value->as_string().empty() &&
                 base_field.type() == FieldType::String && base_field.len_min_.value_or(1) > 0) {
        // Kong reads "" in a non-empty string field as absent (null with `nulls`).
        if (opts.nulls) {
          value = Value();
        } else {
          value.reset();
        }
      }
    } else if (context == Context::Update && field.is(field.immutable_)) {
      check_immutable = true;
    }

    if (value) ordered.append(key, std::move(*value));  // schema field names are unique
  }
  // Keys outside the schema: writes keep them (validation reports them); reads keep only
  // ttl, ws_id (when asked for) and deprecated shorthands echoed for old clients.
  for (auto& [key, v] : obj) {
    if (field(key)) continue;
    if (!is_select) {
      ordered.append(key, std::move(v));
    } else if (key == "ttl" && ttl) {
      if (!v.is_null() || opts.nulls) ordered.append(key, std::move(v));
    } else if (key == "ws_id" && opts.show_ws_id) {
      ordered.append(key, std::move(v));
    } else if (std::any_of(shorthand_fields.begin(), shorthand_fields.end(),
                           [&name = key](const ShorthandField& sh) {
                             return sh.name == name && sh.deprecation &&
                                    !sh.deprecation->replaced_with.empty();
                           })) {
      ordered.append(key, std::move(v));
    }
  }
  obj = std::move(ordered);
  return AutoFieldsResult{std::move(data), is_select ? false : check_immutable};
}

Value Schema::merge_values(const Value& top, const Value& bottom) const {
  Value output = bottom.is_object() ? bottom : Value(Object{});
  if (top.is_object()) {
    for (const auto& [k, v] : top.as_object()) output.as_object().set(k, v);
  }
  if (!bottom.is_object()) return output;
  const Schema* subschema = get_subschema(bottom);
  for (const auto& [key, _] : fields) {
    const Field& f = *resolve_field(key, subschema);
    const Value* top_v = top.find(key);
    const Value* bottom_v = bottom.find(key);
    if (!top_v) {
      if (bottom_v) output.as_object().set(key, *bottom_v);
    } else if (f.type() == FieldType::Record && !f.is(f.abstract_) && top_v->is_object() && f.fields_) {
      output.as_object().set(key, f.fields_->merge_values(*top_v, bottom_v ? *bottom_v : Value()));
    }
  }
  return output;
}

bool Schema::has_transformations(const Value& input) const {
  if (!transformations.empty()) return true;
  const Schema* sub = get_subschema(input);
  return sub && !sub->transformations.empty();
}

namespace {

const Value* dotted(const Value& t, const std::string& name) {
  const Value* cur = &t;
  size_t start = 0;
  while (cur && cur->is_object()) {
    size_t dot = name.find('.', start);
    cur = cur->find(std::string_view(name).substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
  return nullptr;
}

tl::expected<Value, std::string> run_transformations(const Schema& s, const Value& input,
                                                     const Value* original_input, Context context) {
  std::optional<Value> output;
  for (const Transformation& tr : s.transformations) {
    const Transformation::Fn& fn = context == Context::Select ? tr.on_read : tr.on_write;
    if (!fn) continue;
    const Value& current = output ? *output : input;
    std::vector<Value> args;
    bool complete = true;
    for (const auto& name : tr.input) {
      const Value* v = dotted(original_input ? *original_input : current, name);
      if (!v || !v->is_nonempty()) {
        complete = false;
        break;
      }
      const Value* actual = original_input ? dotted(current, name) : v;
      args.push_back(actual ? *actual : Value());
    }
    for (const auto& name : tr.needs) {
      if (!complete) break;
      const Value* v = dotted(current, name);
      if (!v || !v->is_nonempty()) {
        complete = false;
        break;
      }
      args.push_back(*v);
    }
    if (!complete) continue;
    auto data = fn(args);
    if (!data) return tl::unexpected("transformation failed: " + data.error());
    output = s.merge_values(*data, current);
  }
  return output ? std::move(*output) : input;
}

}  // namespace

tl::expected<Value, std::string> Schema::transform(const Value& input, const Value* original_input,
                                                   Context context) const {
  Value current = input;
  if (!transformations.empty()) {
    auto r = run_transformations(*this, current, original_input, context);
    if (!r) return r;
    current = std::move(*r);
  }
  if (const Schema* sub = get_subschema(input); sub && !sub->transformations.empty()) {
    auto r = run_transformations(*sub, current, original_input, context);
    if (!r) return r;
    current = std::move(*r);
  }
  return current;
}

}  // namespace kongdb::schema
