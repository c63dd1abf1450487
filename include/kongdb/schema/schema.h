// Schema engine: Kong's kong/db/schema/init.lua as data plus the functions over it.
//
// A Schema is an ordered list of named Fields plus entity checks, shorthand fields,
// transformations and an optional subschema table. Entities are declared as data:
//
//   Schema s;
//   s.name = "services";
//   s.fields = {{"id", typedefs::uuid()},
//               {"port", typedefs::port().required().def(80)}};
//   auto processed = s.process_auto_fields(input, Context::Insert);  // defaults, ids
//   if (auto errs = s.validate_insert(*processed)) report(errors::schema_violation(*errs));
//
// Validation results are error trees exactly as Kong builds them: field name -> message,
// nested Objects for records, Arrays (1-based, null holes) for elements, "@entity" -> [..].
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "kongdb/core/ids.h"
#include "kongdb/core/value.h"

namespace kongdb::schema {

enum class FieldType { String, Number, Integer, Boolean, Array, Set, Map, Record, Foreign, Function, Json, Any };

std::string_view field_type_name(FieldType type);
std::optional<FieldType> parse_field_type(std::string_view name);

struct Schema;
struct Field;
using FieldPtr = std::shared_ptr<Field>;
using SchemaPtr = std::shared_ptr<Schema>;

/// A custom validator: true when valid; on failure may set `err` (else "failed validating: %s").
using CustomValidator = std::function<bool(const Value& value, std::string& err)>;

struct PatternRule {
  std::string pattern;
  std::string err;
};

struct MatchAny {
  std::vector<std::string> patterns;
  std::string err;
};

/// One field definition. Every attribute is optional so that a partial definition (the
/// `if_match` of a conditional check) can be laid over a full one, as Kong's metatables do.
/// Setters are named after Kong's attributes and chain.
struct Field {
  std::optional<FieldType> type_;

  std::optional<bool> required_, auto_, unique_, unique_across_ws_, immutable_, abstract_,
      transient_, referenceable_, encrypted_, nilable_, timestamp_, uuid_, is_regex_;
  std::optional<Value> default_;
  std::optional<Value> eq_, ne_;  // may hold null: `eq = null` means "value must be null"
  std::optional<std::vector<Value>> one_of_, not_one_of_;
  std::optional<double> gt_;
  std::optional<std::pair<double, double>> between_;
  std::optional<int64_t> len_eq_, len_min_, len_max_;
  std::optional<std::string> starts_with_, match_, not_match_;
  std::optional<std::vector<PatternRule>> match_all_, match_none_;
  std::optional<MatchAny> match_any_;
  std::optional<Value> contains_;
  CustomValidator custom_validator_;
  std::optional<std::vector<std::vector<std::string>>> mutually_exclusive_subsets_;
  std::optional<std::string> err_;
  std::optional<std::string> description_;

  FieldPtr elements_, keys_, values_;  // array/set elements; map keys and values
  SchemaPtr fields_;                   // record: its nested schema (fields + entity checks)
  std::optional<std::string> reference_, on_delete_;
  /// Resolved by the registry from reference_; not owned.
  const Schema* foreign_schema_ = nullptr;

  // Constructors by type.
  static Field of(FieldType t);
  static Field string() { return of(FieldType::String); }
  static Field number() { return of(FieldType::Number); }
  static Field integer() { return of(FieldType::Integer); }
  static Field boolean() { return of(FieldType::Boolean); }
  static Field array(Field elements);
  static Field set(Field elements);
  static Field map(Field keys, Field values);
  static Field record(std::vector<std::pair<std::string, Field>> fields);
  static Field record(Schema nested);
  static Field foreign(std::string reference);
  /// A partial definition, for conditional checks' if_match/then_match.
  static Field partial() { return Field{}; }

  // Chaining setters (Kong attribute names).
  Field& required(bool v = true) { required_ = v; return *this; }
  Field& auto_fill(bool v = true) { auto_ = v; return *this; }
  Field& unique(bool v = true) { unique_ = v; return *this; }
  Field& unique_across_ws(bool v = true) { unique_across_ws_ = v; return *this; }
  Field& immutable(bool v = true) { immutable_ = v; return *this; }
  Field& abstract(bool v = true) { abstract_ = v; return *this; }
  Field& transient(bool v = true) { transient_ = v; return *this; }
  Field& referenceable(bool v = true) { referenceable_ = v; return *this; }
  Field& encrypted(bool v = true) { encrypted_ = v; return *this; }
  Field& nilable(bool v = true) { nilable_ = v; return *this; }
  Field& timestamp(bool v = true) { timestamp_ = v; return *this; }
  Field& uuid(bool v = true) { uuid_ = v; return *this; }
  Field& is_regex(bool v = true) { is_regex_ = v; return *this; }
  Field& def(Value v) { default_ = std::move(v); return *this; }
  Field& eq(Value v) { eq_ = std::move(v); return *this; }
  Field& ne(Value v) { ne_ = std::move(v); return *this; }
  Field& one_of(std::vector<Value> v) { one_of_ = std::move(v); return *this; }
  Field& not_one_of(std::vector<Value> v) { not_one_of_ = std::move(v); return *this; }
  Field& gt(double v) { gt_ = v; return *this; }
  Field& between(double lo, double hi) { between_ = {lo, hi}; return *this; }
  Field& len_eq(int64_t n) { len_eq_ = n; return *this; }
  Field& len_min(int64_t n) { len_min_ = n; return *this; }
  Field& len_max(int64_t n) { len_max_ = n; return *this; }
  Field& starts_with(std::string s) { starts_with_ = std::move(s); return *this; }
  Field& match(std::string p) { match_ = std::move(p); return *this; }
  Field& not_match(std::string p) { not_match_ = std::move(p); return *this; }
  Field& match_all(std::vector<PatternRule> r) { match_all_ = std::move(r); return *this; }
  Field& match_none(std::vector<PatternRule> r) { match_none_ = std::move(r); return *this; }
  Field& match_any(MatchAny m) { match_any_ = std::move(m); return *this; }
  Field& contains(Value v) { contains_ = std::move(v); return *this; }
  Field& custom_validator(CustomValidator fn) { custom_validator_ = std::move(fn); return *this; }
  Field& mutually_exclusive_subsets(std::vector<std::vector<std::string>> s) {
    mutually_exclusive_subsets_ = std::move(s);
    return *this;
  }
  Field& err(std::string e) { err_ = std::move(e); return *this; }
  Field& description(std::string d) { description_ = std::move(d); return *this; }
  Field& on_delete(std::string v) { on_delete_ = std::move(v); return *this; }

  FieldType type() const { return type_.value_or(FieldType::Any); }
  bool is(const std::optional<bool>& flag) const { return flag.value_or(false); }
  bool is_required() const { return is(required_); }
  bool is_auto() const { return is(auto_); }
  bool is_unique() const { return is(unique_); }

  /// This definition with every attribute set in `patch` replacing its own.
  Field overlay(const Field& patch) const;
};

using Fields = std::vector<std::pair<std::string, Field>>;

/// A cross-field rule (Kong's entity_checks entry).
struct EntityCheck {
  enum class Kind {
    AtLeastOneOf,
    OnlyOneOf,
    Distinct,
    Conditional,
    ConditionalAtLeastOneOf,
    CustomEntityCheck,
    MutuallyRequired,
    MutuallyExclusive,
    MutuallyExclusiveSets,
  };
  Kind kind = Kind::AtLeastOneOf;
  std::vector<std::string> fields;  // list-style checkers

  std::string if_field;
  std::optional<Field> if_match;
  std::string then_field;
  std::optional<Field> then_match;
  std::optional<std::string> then_err;
  std::vector<std::string> then_at_least_one_of;
  std::optional<Field> else_match;
  std::vector<std::string> else_then_at_least_one_of;
  std::optional<std::string> else_then_err;

  std::vector<std::string> set1, set2;

  std::vector<std::string> field_sources;
  /// custom_entity_check: nullopt when fine, else the message ("" = no message given).
  std::function<std::optional<std::string>(const Value& entity)> fn;

  std::optional<bool> run_with_missing_fields, run_with_invalid_fields;

  /// Filled by Schema::prepare(): the match specs laid over the fields they name, so
  /// validation does not rebuild them per call.
  std::shared_ptr<const Field> if_effective, then_effective, else_effective;

  static EntityCheck at_least_one_of(std::vector<std::string> f);
  static EntityCheck only_one_of(std::vector<std::string> f);
  static EntityCheck distinct(std::vector<std::string> f);
  static EntityCheck mutually_required(std::vector<std::string> f);
  static EntityCheck mutually_exclusive(std::vector<std::string> f);
  static EntityCheck mutually_exclusive_sets(std::vector<std::string> s1,
                                             std::vector<std::string> s2);
  static EntityCheck conditional(std::string if_field, Field if_match, std::string then_field,
                                 Field then_match, std::optional<std::string> then_err = {});
  static EntityCheck conditional_at_least_one_of(std::string if_field, Field if_match,
                                                 std::vector<std::string> then_at_least_one_of,
                                                 std::optional<std::string> then_err = {});
  static EntityCheck custom(std::vector<std::string> field_sources,
                            std::function<std::optional<std::string>(const Value&)> fn);
};

/// Kong's shorthand field: accepted on input, validated by `field`, then expanded by `func`
/// into real fields (e.g. services' `url`). func returns an Object of new values.
struct ShorthandField {
  std::string name;
  Field field;
  std::function<Value(const Value&)> func;
  /// Kong's `deprecation`: when set, the real field wins over the shorthand, giving both with
  /// different values is an error, and reads show the shorthand again (replaced_with[0]).
  struct Deprecation {
    std::string message;
    std::string removal_in_version;
    std::vector<std::vector<std::string>> replaced_with;  // paths of the replacing fields
  };
  std::optional<Deprecation> deprecation;
};

/// Kong's transformations: derived fields computed on write/read when all inputs are set.
struct Transformation {
  std::vector<std::string> input;
  std::vector<std::string> needs;
  /// Receives the input values in order; returns an Object merged into the entity.
  using Fn = std::function<tl::expected<Value, std::string>(const std::vector<Value>& args)>;
  Fn on_write;
  Fn on_read;
};

/// Legacy schema `check(entity)`: nullopt when fine; a string or a table of errors otherwise.
using LegacyCheck = std::function<std::optional<Value>(const Value& entity)>;

enum class Context { Insert, Update, Upsert, Select };

struct AutoFieldsOptions {
  bool nulls = false;        // select: keep explicit nulls
  bool no_defaults = false;  // do not fill defaults
  bool show_ws_id = false;   // select: keep ws_id
  bool hide_shorthands = false;  // select: do not echo deprecated shorthands back
  Clock* clock = nullptr;    // defaults to system_clock()
  IdGenerator* ids = nullptr;  // defaults to random_ids()
};

struct AutoFieldsResult {
  Value data;
  bool check_immutable_fields = false;
};

struct Schema {
  std::string name;
  std::vector<std::string> primary_key;
  Fields fields;
  std::vector<EntityCheck> entity_checks;
  std::vector<ShorthandField> shorthand_fields;
  std::vector<Transformation> transformations;
  LegacyCheck check;

  std::optional<std::string> subschema_key;
  std::optional<std::string> subschema_error;
  std::map<std::string, SchemaPtr> subschemas;

  bool workspaceable = false;
  bool ttl = false;
  bool db_export = true;
  std::optional<bool> generate_admin_api;
  std::optional<std::string> endpoint_key;
  std::vector<std::string> cache_key;
  std::optional<std::string> table_name;
  std::optional<std::string> admin_api_name;
  std::optional<std::string> admin_api_nested_name;

  const Field* field(std::string_view field_name) const;
  Field* field(std::string_view field_name);
  /// A field as seen for `input` (its subschema's specialisation when it has one).
  const Field* resolve_field(std::string_view field_name, const Schema* subschema) const;
  /// The subschema selected by input[subschema_key]; for a set, its first element that has one.
  const Schema* get_subschema(const Value& input) const;

  // --- validation: nullopt when valid, else Kong's error tree ---
  std::optional<Value> validate(const Value& input, bool full_check = true,
                                const Value* original_input = nullptr,
                                const Value* rbw_entity = nullptr) const;
  std::optional<Value> validate_insert(const Value& input,
                                       const Value* original_input = nullptr) const;
  std::optional<Value> validate_update(const Value& input, const Value* original_input = nullptr,
                                       const Value* rbw_entity = nullptr) const;
  std::optional<Value> validate_upsert(const Value& input,
                                       const Value* original_input = nullptr) const;
  /// One field: nullopt when valid, else a message (String) or a nested tree.
  std::optional<Value> validate_field(const Field& field, const Value& value) const;
  /// An array/set element or a map key/value: like validate_field, but null is never allowed.
  std::optional<Value> validate_member(const Field& field, const Value& value) const;
  std::optional<Value> validate_primary_key(const Value& pk, bool ignore_others = false) const;
  std::optional<Value> validate_immutable_fields(const Value& input, const Value& entity) const;

  // --- processing ---
  /// Shorthands, auto ids/timestamps, defaults and (select) output clean-up. On shorthand
  /// failure returns the error tree {shorthand = msg}.
  tl::expected<AutoFieldsResult, Value> process_auto_fields(
      Value data, Context context, const AutoFieldsOptions& opts = {}) const;
  /// Records merge field by field; everything else in `top` replaces `bottom`.
  Value merge_values(const Value& top, const Value& bottom) const;
  bool has_transformations(const Value& input) const;
  /// Runs on_write (or on_read for Select); the error is "transformation failed: ...".
  tl::expected<Value, std::string> transform(const Value& input, const Value* original_input,
                                             Context context) const;
  /// {pk_field = value, ...}
  Value extract_pk_values(const Value& entity) const;
  /// Kong's errors_to_string: "Validation error: ...".
  static std::string errors_to_string(const Value& errors);

  /// Precomputes what validation would otherwise rebuild per call (entity-check match specs
  /// over their fields), here, in records and in subschemas. Call once the schema is final.
  void prepare();

  /// Field name -> position in `fields`, built by prepare(); lookups verify it and fall back
  /// to a scan, so a schema edited after prepare() stays correct.
  std::unordered_map<std::string, size_t> field_index_;

  /// Adds a specialisation under `key`, with Kong's checks ("cannot create a new field", ...).
  tl::expected<void, std::string> new_subschema(const std::string& key, Schema definition);
};

/// Kong's quoted_list: 'a', 'b' (nested lists as ('a', 'b')).
std::string quoted_list(const std::vector<std::string>& words);

}  // namespace kongdb::schema
