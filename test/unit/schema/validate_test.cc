// The schema engine against Kong's messages (spec/01-unit/01-db/01-schema/01-schema_spec.lua).
#include <gtest/gtest.h>

#include "kongdb/core/error.h"
#include "kongdb/core/json.h"
#include "kongdb/schema/schema.h"

namespace kongdb::schema {
namespace {

Value j(const char* text) { return *json::parse(text); }

std::string field_error(const Field& f, const Value& v) {
  Schema s;
  auto err = s.validate_field(f, v);
  if (!err) return "<ok>";
  return err->is_string() ? err->as_string() : json::encode(*err);
}

Schema simple(Fields fields) {
  Schema s;
  s.name = "simple";
  s.primary_key = {"id"};
  s.fields = std::move(fields);
  return s;
}

std::string errors_of(const Schema& s, const Value& input, bool full = true) {
  auto errs = s.validate(input, full);
  return errs ? json::encode(*errs) : "<ok>";
}

TEST(SchemaTypes, EachTypeRejectsOtherKindsWithKongsMessage) {
  EXPECT_EQ(field_error(Field::string(), Value(1)), "expected a string");
  EXPECT_EQ(field_error(Field::number(), Value("1")), "expected a number");
  EXPECT_EQ(field_error(Field::integer(), Value(1.5)), "expected an integer");
  EXPECT_EQ(field_error(Field::integer(), Value(2.0)), "<ok>");
  EXPECT_EQ(field_error(Field::boolean(), Value("true")), "expected a boolean");
  EXPECT_EQ(field_error(Field::array(Field::string()), Value("x")), "expected an array");
  EXPECT_EQ(field_error(Field::array(Field::string()), Value::object({{"a", 1}})), "expected an array");
  EXPECT_EQ(field_error(Field::set(Field::string()), Value(1)), "expected a set");
  EXPECT_EQ(field_error(Field::map(Field::string(), Field::string()), Value(1)), "expected a map");
  EXPECT_EQ(field_error(Field::record({{"a", Field::string()}}), Value("x")), "expected a record");
}

TEST(SchemaTypes, EmptyTableIsAValidArrayAndAValidRecord) {
  EXPECT_EQ(field_error(Field::array(Field::string()), Value::object()), "<ok>");
  EXPECT_EQ(field_error(Field::set(Field::string()), Value::array()), "<ok>");
}

TEST(SchemaTypes, StringsRefuseEmptyValueByDefault) {
  EXPECT_EQ(field_error(Field::string(), Value("")), "length must be at least 1");
  EXPECT_EQ(field_error(Field::string().len_min(0), Value("")), "<ok>");
}

TEST(SchemaTypes, ArrayElementErrorsUseOneBasedIndexes) {
  auto err = field_error(Field::array(Field::string()), j(R"js(["a", 2, "c", 4])js"));
  EXPECT_EQ(err, R"js([null,"expected a string",null,"expected a string"])js");
}

TEST(SchemaTypes, MapChecksKeysAndValuesAndReportsTheFirstFailureAsText) {
  Field m = Field::map(Field::string().match("^%l+$"), Field::integer());
  EXPECT_EQ(field_error(m, j(R"js({"abc": 1})js")), "<ok>");
  EXPECT_EQ(field_error(m, j(R"js({"abc": "x"})js")), "expected an integer");
  EXPECT_EQ(field_error(m, j(R"js({"ABC": 1})js")), "invalid value: ABC");
}

TEST(SchemaTypes, NestedRecordErrorsNest) {
  Field r = Field::record({{"a", Field::integer()}, {"b", Field::string().required()}});
  EXPECT_EQ(field_error(r, j(R"js({"a": "x"})js")), R"js({"a":"expected an integer","b":"required field missing"})js");
  EXPECT_EQ(field_error(r, j(R"js({"b": "x", "c": 1})js")), R"js({"c":"unknown field"})js");
}

TEST(SchemaNulls, NullPassesUnlessRequiredOrConstrained) {
  EXPECT_EQ(field_error(Field::string(), Value()), "<ok>");
  EXPECT_EQ(field_error(Field::string().required(), Value()), "required field missing");
  EXPECT_EQ(field_error(Field::string().ne(Value()), Value()), "value must not be null");
  EXPECT_EQ(field_error(Field::string().eq("x"), Value()), "value must be x");
  EXPECT_EQ(field_error(Field::string().eq(Value()), Value("x")), "value must be null");
  EXPECT_EQ(field_error(Field::string().eq(Value()).err("custom"), Value("x")), "custom");
  EXPECT_EQ(field_error(Field::string().ne(Value()).err("custom"), Value()), "custom");
}

TEST(SchemaValidators, EqNeGtBetween) {
  EXPECT_EQ(field_error(Field::integer().eq(5), Value(6)), "value must be 5");
  EXPECT_EQ(field_error(Field::boolean().eq(true), Value(false)), "value must be true");
  EXPECT_EQ(field_error(Field::string().ne("x"), Value("x")), "value must not be x");
  EXPECT_EQ(field_error(Field::number().gt(5), Value(5)), "value must be greater than 5");
  EXPECT_EQ(field_error(Field::number().gt(0.5), Value(0.25)), "value must be greater than 0.5");
  EXPECT_EQ(field_error(Field::integer().between(1, 10), Value(0)), "value should be between 1 and 10");
  EXPECT_EQ(field_error(Field::integer().between(1, 10), Value(11)), "value should be between 1 and 10");
  EXPECT_EQ(field_error(Field::integer().between(1, 10), Value(10)), "<ok>");
}

TEST(SchemaValidators, OneOfAndNotOneOf) {
  Field f = Field::string().one_of({"http", "https"});
  EXPECT_EQ(field_error(f, Value("ftp")), "expected one of: http, https");
  EXPECT_EQ(field_error(Field::integer().one_of({426, 301}), Value(1)), "expected one of: 426, 301");
  EXPECT_EQ(field_error(Field::string().not_one_of({"a", "b"}), Value("a")), "must not be one of: a, b");
}

TEST(SchemaValidators, Lengths) {
  EXPECT_EQ(field_error(Field::string().len_eq(3), Value("ab")), "length must be 3");
  EXPECT_EQ(field_error(Field::string().len_min(3), Value("ab")), "length must be at least 3");
  EXPECT_EQ(field_error(Field::string().len_max(1), Value("ab")), "length must be at most 1");
  EXPECT_EQ(field_error(Field::array(Field::string()).len_min(1), Value::array()), "length must be at least 1");
  EXPECT_EQ(field_error(Field::map(Field::string(), Field::string()).len_max(1), j(R"js({"a":"1","b":"2"})js")),
            "length must be at most 1");
}

TEST(SchemaValidators, PatternsUseLuaSemantics) {
  EXPECT_EQ(field_error(Field::string().match("^%u+$"), Value("GET")), "<ok>");
  EXPECT_EQ(field_error(Field::string().match("^%u+$"), Value("get")), "invalid value: get");
  EXPECT_EQ(field_error(Field::string().match("%d"), Value("abc1")), "<ok>");  // unanchored
  EXPECT_EQ(field_error(Field::string().not_match("%s"), Value("a b")), "invalid value: a b");
  Field all = Field::string().match_all({{"^a", "must start with a"}, {"z$", "must end with z"}});
  EXPECT_EQ(field_error(all, Value("abc")), "must end with z");
  Field none = Field::string().match_none({{"^_", "no leading underscore"}});
  EXPECT_EQ(field_error(none, Value("_x")), "no leading underscore");
  Field any = Field::string().match_any({{"^a", "^b"}, "must start with a or b"});
  EXPECT_EQ(field_error(any, Value("c")), "must start with a or b");
  EXPECT_EQ(field_error(any, Value("b")), "<ok>");
}

TEST(SchemaValidators, StartsWithContainsTimestampUuidRegex) {
  EXPECT_EQ(field_error(Field::string().starts_with("/"), Value("x")), "should start with: /");
  EXPECT_EQ(field_error(Field::array(Field::string()).contains("a"), j(R"js(["b"])js")), "expected to contain: a");
  EXPECT_EQ(field_error(Field::integer().timestamp(), Value(0)), "expected a valid timestamp");
  EXPECT_EQ(field_error(Field::string().uuid(), Value("nope")), "expected a valid UUID");
  EXPECT_EQ(field_error(Field::string().uuid(), Value("5E0A0A3B-6F0F-4B4A-8C5E-2B0C8F0A7E11")), "<ok>");
  EXPECT_EQ(field_error(Field::string().is_regex(), Value("[")), "not a valid regex: [");
  EXPECT_EQ(field_error(Field::string().is_regex(), Value("^/a(b)?$")), "<ok>");
}

TEST(SchemaValidators, CustomValidatorMessageOrFallback) {
  Field with_msg = Field::string().custom_validator([](const Value&, std::string& err) {
    err = "nope";
    return false;
  });
  EXPECT_EQ(field_error(with_msg, Value("x")), "nope");
  Field without = Field::string().custom_validator([](const Value&, std::string&) { return false; });
  EXPECT_EQ(field_error(without, Value("x")), "failed validating: x");
}

TEST(SchemaValidators, MutuallyExclusiveSubsets) {
  Field f = Field::set(Field::string()).mutually_exclusive_subsets({{"http", "https"}, {"tcp", "tls", "udp"}});
  EXPECT_EQ(field_error(f, j(R"js(["http", "tcp"])js")),
            "these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp')");
  EXPECT_EQ(field_error(f, j(R"js(["http", "https"])js")), "<ok>");
}

TEST(SchemaValidators, ValidatorsRunInKongsOrderAndErrOverridesThem) {
  Field f = Field::string().one_of({"abc"}).len_min(5);
  EXPECT_EQ(field_error(f, Value("x")), "expected one of: abc");
  EXPECT_EQ(field_error(Field::string().len_min(5).err("too short"), Value("x")), "too short");
  // Type errors are not replaced by `err`.
  EXPECT_EQ(field_error(Field::string().err("custom"), Value(1)), "expected a string");
}

TEST(SchemaValidate, UnknownAndRequiredFields) {
  Schema s = simple({{"id", Field::string()}, {"name", Field::string().required()}});
  EXPECT_EQ(errors_of(s, j(R"js({"foo": 1})js")), R"js({"foo":"unknown field","name":"required field missing"})js");
  EXPECT_EQ(errors_of(s, j(R"js({"id": "x"})js"), false), "<ok>");
  EXPECT_EQ(errors_of(s, j(R"js({"name": null})js"), false), R"js({"name":"required field missing"})js");
}

TEST(SchemaValidate, TtlAndUpdatedAtAreNotChecked) {
  Schema s = simple({{"id", Field::string()}});
  s.ttl = true;
  EXPECT_EQ(errors_of(s, j(R"js({"ttl": 10, "updated_at": 1})js")), "<ok>");
}

Schema with_check(EntityCheck c) {
  Schema s = simple({{"a", Field::string()}, {"b", Field::string()}, {"c", Field::integer()}});
  s.entity_checks = {std::move(c)};
  return s;
}

TEST(SchemaEntityChecks, AtLeastOneOf) {
  Schema s = with_check(EntityCheck::at_least_one_of({"a", "b"}));
  EXPECT_EQ(errors_of(s, j("{}")), R"js({"@entity":["at least one of these fields must be non-empty: 'a', 'b'"]})js");
  EXPECT_EQ(errors_of(s, j(R"js({"b":"x"})js")), "<ok>");
  auto upd = s.validate_update(j(R"js({"a":null})js"));
  ASSERT_TRUE(upd);
  EXPECT_EQ(json::encode(*upd),
            R"js({"@entity":["when updating, at least one of these fields must be non-empty: 'a', 'b'"]})js");
}

TEST(SchemaEntityChecks, OnlyOneOf) {
  Schema s = with_check(EntityCheck::only_one_of({"a", "b"}));
  EXPECT_EQ(errors_of(s, j(R"js({"a":"x","b":"y"})js")),
            R"js({"@entity":["exactly one of these fields must be non-empty: 'a', 'b'"]})js");
  EXPECT_EQ(errors_of(s, j(R"js({"a":"x","b":null})js")), "<ok>");
  EXPECT_EQ(errors_of(s, j(R"js({"a":"x"})js")), R"js({"b":"field required for entity check"})js");
  auto upd = s.validate_update(j(R"js({"a":"x"})js"));
  ASSERT_TRUE(upd);
  EXPECT_EQ(json::encode(*upd), R"js({"b":"field required for entity check when updating"})js");
}

TEST(SchemaEntityChecks, Distinct) {
  Schema s = with_check(EntityCheck::distinct({"a", "b"}));
  EXPECT_EQ(errors_of(s, j(R"js({"a":"x","b":"x"})js")),
            R"js({"@entity":["values of these fields must be distinct: 'a', 'b'"]})js");
  EXPECT_EQ(errors_of(s, j(R"js({"a":"x","b":"y"})js")), "<ok>");
}

TEST(SchemaEntityChecks, MutuallyRequiredAndExclusive) {
  Schema req = with_check(EntityCheck::mutually_required({"a", "b"}));
  EXPECT_EQ(errors_of(req, j(R"js({"a":"x"})js")), R"js({"@entity":["all or none of these fields must be set: 'a', 'b'"]})js");
  EXPECT_EQ(errors_of(req, j("{}")), "<ok>");
  Schema ex = with_check(EntityCheck::mutually_exclusive({"a", "b"}));
  EXPECT_EQ(errors_of(ex, j(R"js({"a":"x","b":"y"})js")),
            R"js({"@entity":["only one or none of these fields must be set: 'a', 'b'"]})js");
  EXPECT_EQ(errors_of(ex, j(R"js({"a":"x"})js")), "<ok>");
}

TEST(SchemaEntityChecks, MutuallyExclusiveSetsNamesTheNonEmptyFields) {
  Schema s = with_check(EntityCheck::mutually_exclusive_sets({"a", "c"}, {"b"}));
  EXPECT_EQ(errors_of(s, j(R"js({"a":"x","b":"y"})js")), R"js({"@entity":["these sets are mutually exclusive: ('a'), ('b')"]})js");
}

TEST(SchemaEntityChecks, ConditionalReportsTheFieldAndTheEntity) {
  Schema s = with_check(
      EntityCheck::conditional("a", Field::partial().eq("redis"), "b", Field::partial().required()));
  EXPECT_EQ(errors_of(s, j(R"js({"a":"redis"})js")),
            R"js({"b":"required field missing","@entity":["failed conditional validation given value of field 'a'"]})js");
  EXPECT_EQ(errors_of(s, j(R"js({"a":"local"})js")), "<ok>");
  EXPECT_EQ(errors_of(s, j(R"js({"a":"redis","b":"h"})js")), "<ok>");
  Schema m = with_check(
      EntityCheck::conditional("a", Field::partial().eq("x"), "b", Field::partial().match("^%d+$"), "custom %s"));
  EXPECT_EQ(errors_of(m, j(R"js({"a":"x","b":"q"})js")), R"js({"b":"invalid value: q","@entity":["custom a"]})js");
}

TEST(SchemaEntityChecks, ConditionalAtLeastOneOf) {
  Schema s = with_check(EntityCheck::conditional_at_least_one_of("a", Field::partial().eq("x"), {"b", "c"}));
  EXPECT_EQ(errors_of(s, j(R"js({"a":"x"})js")),
            R"js({"@entity":["at least one of these fields must be non-empty: 'b', 'c'"]})js");
  EXPECT_EQ(errors_of(s, j(R"js({"a":"y"})js")), "<ok>");
  EXPECT_EQ(errors_of(s, j(R"js({"a":"x","c":1})js")), "<ok>");
}

TEST(SchemaEntityChecks, CustomEntityCheck) {
  Schema s = with_check(EntityCheck::custom({"a"}, [](const Value& e) -> std::optional<std::string> {
    if (e.find("a") && e.find("a")->is_string() && e.find("a")->as_string() == "bad") return "a is bad";
    return std::nullopt;
  }));
  EXPECT_EQ(errors_of(s, j(R"js({"a":"bad"})js")), R"js({"@entity":["a is bad"]})js");
  EXPECT_EQ(errors_of(s, j(R"js({"a":"good"})js")), "<ok>");
}

TEST(SchemaEntityChecks, SkippedWhenANamedFieldIsInvalid) {
  Schema s = with_check(EntityCheck::mutually_required({"a", "c"}));
  EXPECT_EQ(errors_of(s, j(R"js({"c":"notanint"})js")), R"js({"c":"expected an integer"})js");
}

TEST(SchemaEntityChecks, LegacyCheckFunction) {
  Schema s = simple({{"a", Field::string()}});
  s.check = [](const Value&) -> std::optional<Value> { return Value("whole entity is wrong"); };
  EXPECT_EQ(errors_of(s, j(R"js({"a":"x"})js")), R"js({"@entity":["whole entity is wrong"]})js");
  EXPECT_EQ(errors_of(s, j(R"js({})js")), R"js({"a":"field required for entity check"})js");
}

TEST(SchemaSubschemas, KeySelectsTheSpecialisation) {
  Schema s = simple({{"name", Field::string().required()}, {"config", Field::record(Fields{}).abstract()}});
  s.subschema_key = "name";
  s.subschema_error = "plugin '%s' not enabled; add it to the 'plugins' configuration property";
  Schema sub;
  sub.fields = {{"config", Field::record({{"x", Field::integer().def(1)}})}};
  ASSERT_TRUE(s.new_subschema("p", sub));
  EXPECT_EQ(errors_of(s, j(R"js({"name":"q"})js")),
            R"js({"name":"plugin 'q' not enabled; add it to the 'plugins' configuration property"})js");
  EXPECT_EQ(errors_of(s, j("{}")), R"js({"name":"required field missing"})js");
  EXPECT_EQ(errors_of(s, j(R"js({"name":"p","config":{"x":"a"}})js")), R"js({"config":{"x":"expected an integer"}})js");
  auto p = s.process_auto_fields(j(R"js({"name":"p","config":{}})js"), Context::Insert);
  ASSERT_TRUE(p);
  EXPECT_EQ(json::encode(*p->data.find("config")), R"js({"x":1})js");
}

TEST(SchemaSubschemas, DefinitionsAreChecked) {
  Schema s = simple({{"name", Field::string()}, {"config", Field::record(Fields{}).abstract().required()}});
  EXPECT_EQ(s.new_subschema("p", Schema{}).error(),
            "error in definition of 'p': entities of type 'simple' cannot have subschemas");
  s.subschema_key = "name";
  Schema bad;
  bad.fields = {{"nope", Field::string()}};
  EXPECT_EQ(s.new_subschema("p", bad).error(), "error in definition of 'p': nope: cannot create a new field");
  Schema retyped;
  retyped.fields = {{"name", Field::integer()}};
  EXPECT_EQ(s.new_subschema("p", retyped).error(),
            "error in definition of 'p': name: cannot change type in a specialized field");
  EXPECT_EQ(s.new_subschema("p", Schema{}).error(),
            "error in definition of 'p': config: abstract field was not specialized");
}

TEST(SchemaPrimaryKey, ValidatePrimaryKey) {
  Schema s = simple({{"id", Field::string().uuid().auto_fill()}, {"name", Field::string()}});
  EXPECT_FALSE(s.validate_primary_key(j(R"js({"id":"00000000-0000-4000-8000-000000000001"})js")));
  EXPECT_EQ(json::encode(*s.validate_primary_key(j("{}"))), R"js({"id":"missing primary key"})js");
  EXPECT_EQ(json::encode(*s.validate_primary_key(j(R"js({"id":null})js"))), R"js({"id":"required field missing"})js");
  EXPECT_EQ(json::encode(*s.validate_primary_key(j(R"js({"id":"x"})js"))), R"js({"id":"expected a valid UUID"})js");
  EXPECT_EQ(json::encode(*s.validate_primary_key(j(R"js({"id":"00000000-0000-4000-8000-000000000001","name":"n"})js"))),
            R"js({"name":"not a primary key"})js");
  EXPECT_FALSE(s.validate_primary_key(j(R"js({"id":"00000000-0000-4000-8000-000000000001","name":"n"})js"), true));
}

TEST(SchemaImmutable, ImmutableFieldsCannotChange) {
  Schema s = simple({{"a", Field::string().immutable()}, {"l", Field::array(Field::string()).immutable()}});
  EXPECT_EQ(json::encode(*s.validate_immutable_fields(j(R"js({"a":"y"})js"), j(R"js({"a":"x"})js"))),
            R"js({"a":"immutable field cannot be updated"})js");
  EXPECT_FALSE(s.validate_immutable_fields(j(R"js({"l":["b","a"]})js"), j(R"js({"l":["a","b"]})js")));
}

TEST(SchemaAutoFields, InsertFillsIdsTimestampsAndDefaults) {
  Schema s = simple({{"id", Field::string().uuid().auto_fill()},
                     {"created_at", Field::integer().timestamp().auto_fill()},
                     {"updated_at", Field::integer().timestamp().auto_fill()},
                     {"port", Field::integer().def(80)},
                     {"path", Field::string()},
                     {"key", Field::string().auto_fill()},
                     {"methods", Field::set(Field::string())},
                     {"rec", Field::record({{"x", Field::integer().def(7)}}).required()}});
  FixedClock clock(1700000000.75);
  SequentialIds ids;
  AutoFieldsOptions opts;
  opts.clock = &clock;
  opts.ids = &ids;
  auto r = s.process_auto_fields(j(R"js({"methods":["GET","GET","POST"]})js"), Context::Insert, opts);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::encode(r->data),
            R"js({"id":"00000000-0000-4000-8000-000000000001","created_at":1700000000,"updated_at":1700000000,)js"
            R"js("port":80,"path":null,"key":"random00000000000000000000000002","methods":["GET","POST"],"rec":{"x":7}})js");
}

TEST(SchemaAutoFields, SetsKeepTheFirstOfEachValueInOrderAtAnySize) {
  Schema s = simple({{"tags", Field::set(Field::string())}, {"nums", Field::set(Field::number())}});
  Array many;
  for (int i = 0; i < 20000; ++i) many.emplace_back("t" + std::to_string(i % 10000));
  Value input = Value::object({{"tags", Value(std::move(many))}, {"nums", j("[1, 2, 1.0, 3, 2]")}});
  auto r = s.process_auto_fields(input, Context::Insert);
  ASSERT_TRUE(r);
  const Array& tags = r->data.find("tags")->as_array();
  ASSERT_EQ(tags.size(), 10000u);
  EXPECT_EQ(tags.front(), Value("t0"));
  EXPECT_EQ(tags.back(), Value("t9999"));
  EXPECT_EQ(*r->data.find("nums"), j("[1, 2, 3]"));
}

TEST(SchemaAutoFields, UpdateOnlyTouchesGivenFieldsAndUpdatedAt) {
  Schema s = simple({{"id", Field::string().uuid().auto_fill()},
                     {"created_at", Field::integer().timestamp().auto_fill()},
                     {"updated_at", Field::integer().timestamp().auto_fill()},
                     {"port", Field::integer().def(80)},
                     {"rec", Field::record({{"x", Field::integer().def(7)}, {"y", Field::integer()}}).required()}});
  FixedClock clock(5);
  AutoFieldsOptions opts;
  opts.clock = &clock;
  auto r = s.process_auto_fields(j(R"js({"rec":{"y":1}})js"), Context::Update, opts);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::encode(r->data), R"js({"updated_at":5,"rec":{"y":1}})js");
}

TEST(SchemaAutoFields, SelectDropsNullsUnknownKeysAndEmptyStrings) {
  Schema s = simple({{"a", Field::string()}, {"b", Field::integer()}, {"c", Field::string()}});
  auto r = s.process_auto_fields(j(R"js({"a":null,"b":3.7,"c":"","zzz":1})js"), Context::Select);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::encode(r->data), R"js({"b":3})js");
  AutoFieldsOptions nulls;
  nulls.nulls = true;
  auto n = s.process_auto_fields(j(R"js({"a":null,"b":3,"c":""})js"), Context::Select, nulls);
  ASSERT_TRUE(n);
  EXPECT_EQ(json::encode(n->data), R"js({"a":null,"b":3,"c":null})js");
}

TEST(SchemaAutoFields, ShorthandFieldsExpandOrReportTheirError) {
  Schema s = simple({{"host", Field::string()}, {"port", Field::integer()}});
  s.shorthand_fields = {{"hp", Field::string(), [](const Value& v) {
                           auto pos = v.as_string().find(':');
                           return Value::object({{"host", v.as_string().substr(0, pos)},
                                                 {"port", std::stoi(v.as_string().substr(pos + 1))}});
                         }}};
  auto r = s.process_auto_fields(j(R"js({"hp":"example.com:81"})js"), Context::Insert);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::encode(r->data), R"js({"host":"example.com","port":81})js");
  auto bad = s.process_auto_fields(j(R"js({"hp":1})js"), Context::Insert);
  ASSERT_FALSE(bad);
  EXPECT_EQ(json::encode(bad.error()), R"js({"hp":"expected a string"})js");
}

TEST(SchemaMerge, RecordsMergeFieldByFieldArraysAreReplaced) {
  Schema s = simple({{"rec", Field::record({{"x", Field::integer()}, {"y", Field::integer()}})},
                     {"list", Field::array(Field::integer())}});
  Value merged = s.merge_values(j(R"js({"rec":{"y":2},"list":[3]})js"), j(R"js({"rec":{"x":1,"y":0},"list":[1,2]})js"));
  EXPECT_EQ(merged, j(R"js({"rec":{"x":1,"y":2},"list":[3]})js"));
}

TEST(SchemaTransformations, OnWriteMergesDerivedFieldsAndChecksInputs) {
  Schema s = simple({{"cert", Field::string()}, {"digest", Field::string()}});
  Transformation t;
  t.input = {"cert"};
  t.on_write = [](const std::vector<Value>& args) -> tl::expected<Value, std::string> {
    if (args[0].as_string() == "fail") return tl::unexpected(std::string("cannot digest"));
    return Value::object({{"digest", "d:" + args[0].as_string()}});
  };
  s.transformations = {t};
  auto out = s.transform(j(R"js({"cert":"abc"})js"), nullptr, Context::Insert);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->find("digest")->as_string(), "d:abc");
  auto failed = s.transform(j(R"js({"cert":"fail"})js"), nullptr, Context::Insert);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error(), "transformation failed: cannot digest");
}

TEST(SchemaErrors, SchemaViolationMessageFromAValidationTree) {
  Schema s = simple({{"name", Field::string().required()},
                     {"hosts", Field::array(Field::string())},
                     {"rec", Field::record({{"x", Field::integer()}})}});
  s.entity_checks = {EntityCheck::at_least_one_of({"hosts"})};
  auto errs = s.validate(j(R"js({"hosts":[1],"rec":{"x":"a"}})js"));
  ASSERT_TRUE(errs);
  Error e = errors::schema_violation(*errs);
  EXPECT_EQ(e.message,
            "3 schema violations (hosts.1: expected a string; name: required field missing; rec.x: expected an integer)");
}

TEST(SchemaErrors, ErrorsToString) {
  EXPECT_EQ(Schema::errors_to_string(j(R"js({"a":"bad"})js")), "Validation error: a: bad");
}

TEST(SchemaRobustness, DeepAndHugeInputsGiveErrorsNotCrashes) {
  Schema s = simple({{"a", Field::array(Field::string())}, {"r", Field::record({{"x", Field::string()}})}});
  Array big(10000, Value(1));
  Value input = Value::object({{"a", Value(big)}});
  auto errs = s.validate(input);
  ASSERT_TRUE(errs);
  EXPECT_EQ(errs->find("a")->as_array().size(), 10000u);
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += R"js({"x":)js";
  deep += "1";
  for (int i = 0; i < 200; ++i) deep += "}";
  Value nested = Value::object({{"r", *json::parse(deep)}});
  EXPECT_TRUE(s.validate(nested));
  Value huge = Value::object({{"r", Value::object({{"x", std::string(1 << 20, 'a')}})}});
  EXPECT_FALSE(s.validate(huge));
}

}  // namespace
}  // namespace kongdb::schema
