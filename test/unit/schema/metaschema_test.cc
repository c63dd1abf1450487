// MetaSchema rules against Kong's messages (spec/01-unit/01-db/01-schema/02-metaschema_spec.lua).
#include <gtest/gtest.h>

#include "kongdb/core/json.h"
#include "kongdb/schema/metaschema.h"
#include "schema/entities/entities.h"

namespace kongdb::schema {
namespace {

Schema entity(Fields fields, std::vector<std::string> pk = {"id"}) {
  Schema s;
  s.name = "test";
  s.primary_key = std::move(pk);
  s.fields = std::move(fields);
  return s;
}

Schema plugin(Fields fields) {
  Schema s;
  s.name = "test";
  s.fields = std::move(fields);
  return s;
}

std::string entity_errors(const Schema& s) {
  auto errs = check_entity_definition(s);
  return errs ? json::encode(*errs) : "<ok>";
}

std::string plugin_errors(const Schema& s) {
  auto errs = check_plugin_definition(s);
  return errs ? json::encode(*errs) : "<ok>";
}

// The message stored under `key` of an entity's error tree.
std::string entity_error(const Schema& s, const char* key) {
  auto errs = check_entity_definition(s);
  if (!errs) return "<ok>";
  const Value* v = errs->find(key);
  if (!v) return "<no " + std::string(key) + "> " + json::encode(*errs);
  return v->is_string() ? v->as_string() : json::encode(*v);
}

Field typeless() { return Field::partial(); }

TEST(MetaSchema, AcceptsValidDefinitions) {
  EXPECT_EQ(entity_errors(entity({{"id", Field::string()}, {"foo", Field::string()}})), "<ok>");
  // Nested records.
  Field r = Field::record(Fields{{"a", Field::string()}, {"b", Field::number()}});
  EXPECT_EQ(entity_errors(entity({{"id", Field::number()},
                                  {"f", Field::record(Fields{{"r", r}})}})),
            "<ok>");
  // unique on base types; eq on a boolean with a default.
  EXPECT_EQ(entity_errors(entity({{"id", Field::string().unique()},
                                  {"num", Field::number().unique()},
                                  {"int", Field::integer().unique()},
                                  {"pk", Field::boolean().def(true).eq(true)}})),
            "<ok>");
  // eq = null with an err on an array.
  EXPECT_EQ(entity_errors(entity({{"id", Field::array(Field::string()).eq(Value())
                                             .err("cannot set value")}})),
            "<ok>");
}

TEST(MetaSchema, CompositeTypesMustDeclareTheirParts) {
  Field array = Field::of(FieldType::Array);
  Field set = Field::of(FieldType::Set);
  Field map_no_keys = Field::of(FieldType::Map);
  map_no_keys.values_ = std::make_shared<Field>(Field::string());
  Field map_no_values = Field::of(FieldType::Map);
  map_no_values.keys_ = std::make_shared<Field>(Field::string());
  EXPECT_EQ(entity_error(entity({{"f", array}}, {"f"}), "f"),
            "field of type 'array' must declare 'elements'");
  EXPECT_EQ(entity_error(entity({{"f", set}}, {"f"}), "f"),
            "field of type 'set' must declare 'elements'");
  EXPECT_EQ(entity_error(entity({{"f", map_no_keys}}, {"f"}), "f"),
            "field of type 'map' must declare 'keys'");
  EXPECT_EQ(entity_error(entity({{"f", map_no_values}}, {"f"}), "f"),
            "field of type 'map' must declare 'values'");
  EXPECT_EQ(entity_error(entity({{"f", Field::of(FieldType::Record)}}, {"f"}), "f"),
            "field of type 'record' must declare 'fields'");
  // Kong's metaschema has no 'reference' requirement: a missing reference only fails
  // when Schema.new resolves it ("schema refers to an invalid foreign entity").
  Field foreign = Field::of(FieldType::Foreign);
  EXPECT_EQ(entity_errors(entity({{"id", Field::string()}, {"f", foreign}})), "<ok>");
}

TEST(MetaSchema, MissingTypeIsReportedTwice) {
  // Structurally under fields[i].type, and flat under the field name by the check.
  EXPECT_EQ(entity_errors(entity({{"id", Field::string()}, {"foo", typeless()}})),
            R"({"fields":[null,{"type":"required field missing"}],)"
            R"("foo":"missing type declaration"})");
}

TEST(MetaSchema, NestedElementErrorsNestStructurallyAndFlattenInTheCheck) {
  // Kong's "rejects a bad schema checking nested error" shape.
  Schema s = plugin({{"foo", Field::array(typeless())}});
  EXPECT_EQ(plugin_errors(s),
            R"({"fields":[{"elements":{"type":"required field missing"}}],)"
            R"("foo":"missing type declaration"})");
}

TEST(MetaSchema, AttributesRestrictedByType) {
  EXPECT_EQ(entity_error(entity({{"id", Field::string()},
                                 {"foo", Field::array(Field::number().uuid())}}),
                         "foo"),
            "field of type 'number' cannot have attribute 'uuid'");
  EXPECT_EQ(entity_error(entity({{"id", Field::string()}, {"port", Field::integer().match("x")}}),
                         "port"),
            "field of type 'integer' cannot have attribute 'match'");
  EXPECT_EQ(entity_error(entity({{"id", Field::string()}, {"s", Field::string().between(1, 2)}}),
                         "s"),
            "field of type 'string' cannot have attribute 'between'");
  EXPECT_EQ(entity_error(entity({{"id", Field::string()}, {"b", Field::boolean().one_of({true})}}),
                         "b"),
            "field of type 'boolean' cannot have attribute 'one_of'");
  EXPECT_EQ(entity_error(entity({{"id", Field::string()}, {"s", Field::string().contains("x")}}),
                         "s"),
            "field of type 'string' cannot have attribute 'contains'");
  EXPECT_EQ(entity_error(entity({{"id", Field::string()}, {"n", Field::number().len_eq(2)}}),
                         "n"),
            "field of type 'number' cannot have attribute 'len_eq'");
  EXPECT_EQ(entity_error(entity({{"id", Field::string()}, {"n", Field::number().is_regex()}}),
                         "n"),
            "field of type 'number' cannot have attribute 'is_regex'");
  EXPECT_EQ(entity_error(entity({{"id", Field::string()}, {"s", Field::string().timestamp()}}),
                         "s"),
            "field of type 'string' cannot have attribute 'timestamp'");
  EXPECT_EQ(entity_error(entity({{"id", Field::string()}, {"b", Field::boolean().abstract()}}),
                         "b"),
            "field of type 'boolean' cannot have attribute 'abstract'");
  EXPECT_EQ(entity_error(entity({{"id", Field::string()},
                                 {"m", Field::map(Field::string(), Field::string()).transient()}}),
                         "m"),
            "field of type 'map' cannot have attribute 'transient'");
  // Declared is what counts, even when false.
  EXPECT_EQ(entity_error(entity({{"id", Field::string()},
                                 {"a", Field::array(Field::string()).unique(false)}}),
                         "a"),
            "field of type 'array' cannot have attribute 'unique'");
}

TEST(MetaSchema, UniqueRejectedInCompositeTypes) {
  Schema s = entity({{"id", Field::string()},
                     {"arr", Field::array(Field::string()).unique()},
                     {"map", Field::map(Field::string(), Field::string()).unique()},
                     {"rec", Field::record(Fields{{"a", Field::string()}}).unique()},
                     {"set", Field::set(Field::string()).unique()}});
  EXPECT_EQ(entity_error(s, "arr"), "field of type 'array' cannot have attribute 'unique'");
  EXPECT_EQ(entity_error(s, "map"), "field of type 'map' cannot have attribute 'unique'");
  EXPECT_EQ(entity_error(s, "rec"), "field of type 'record' cannot have attribute 'unique'");
  EXPECT_EQ(entity_error(s, "set"), "field of type 'set' cannot have attribute 'unique'");
  EXPECT_EQ(plugin_errors(plugin({{"arr", Field::array(Field::string()).unique()}})),
            R"({"arr":"field of type 'array' cannot have attribute 'unique'"})");
}

TEST(MetaSchema, NestedRecordErrorsAreFlatUnderTheNestedFieldName) {
  Schema s = plugin({{"config", Field::record(Fields{{"port", Field::integer().match("x")}})}});
  EXPECT_EQ(plugin_errors(s), R"({"port":"field of type 'integer' cannot have attribute 'match'"})");
}

TEST(MetaSchema, AbstractFields) {
  Schema s = entity({{"str", Field::string().unique()},
                     {"num", Field::number().abstract()}},
                    {"str"});
  s.subschema_key = "str";
  EXPECT_EQ(entity_errors(s), "<ok>");

  // Abstract records may omit fields; arrays, sets and maps still need their parts.
  Field arr = Field::of(FieldType::Array).abstract();
  Field set = Field::of(FieldType::Set).abstract();
  Field map = Field::of(FieldType::Map).abstract();
  Field rec = Field::of(FieldType::Record).abstract();
  Schema bad = entity({{"str", Field::string().unique()}, {"arr", arr}, {"set", set},
                       {"map", map}, {"rec", rec}},
                      {"str"});
  bad.subschema_key = "str";
  EXPECT_EQ(entity_errors(bad),
            R"({"arr":"field of type 'array' must declare 'elements'",)"
            R"("set":"field of type 'set' must declare 'elements'",)"
            R"("map":"field of type 'map' must declare 'values'"})");
}

TEST(MetaSchema, PrimaryKeyAndNameAreRequired) {
  Schema s = entity({{"foo", Field::string()}}, {});
  EXPECT_EQ(entity_errors(s), R"({"primary_key":"field required for entity check"})");
  // The check does not run without them.
  s.fields.emplace_back("bad", typeless());
  EXPECT_EQ(entity_errors(s), R"({"fields":[null,{"type":"required field missing"}],)"
                              R"("primary_key":"field required for entity check"})");
  Schema p = plugin({{"foo", Field::string()}});
  p.name.clear();
  EXPECT_EQ(plugin_errors(p), R"({"name":"field required for entity check"})");
}

TEST(MetaSchema, CacheKey) {
  Schema ok = entity({{"foo", Field::number().unique()}}, {"foo"});
  ok.cache_key = {"foo"};
  EXPECT_EQ(entity_errors(ok), "<ok>");

  Schema not_field = entity({{"foo", Field::number()}}, {"foo"});
  not_field.cache_key = {"foo", "bar"};
  EXPECT_EQ(entity_error(not_field, "cache_key"), "values must be field names");

  Schema not_unique = entity({{"foo", Field::number()}}, {"foo"});
  not_unique.cache_key = {"foo"};
  EXPECT_EQ(entity_error(not_unique, "cache_key"),
            "a field used as a single cache key must be unique");

  Schema composite = entity({{"foo", Field::number()}, {"bar", Field::number()}}, {"foo"});
  composite.cache_key = {"foo", "bar"};
  EXPECT_EQ(entity_errors(composite), "<ok>");
}

TEST(MetaSchema, EndpointKey) {
  Schema s = entity({{"str", Field::string().unique()}, {"num", Field::number()}}, {"str"});
  s.endpoint_key = "str";
  EXPECT_EQ(entity_errors(s), "<ok>");
  s.endpoint_key = "bla";
  EXPECT_EQ(entity_errors(s), R"({"endpoint_key":"value must be a field name"})");
}

TEST(MetaSchema, Ttl) {
  Schema s = entity({{"str", Field::string().unique()},
                     {"created_at", Field::number().timestamp().auto_fill()}},
                    {"str"});
  s.ttl = true;
  EXPECT_EQ(entity_errors(s), "<ok>");

  Schema no_ttl = entity({{"str", Field::string().unique()}, {"ttl", Field::integer()}}, {"str"});
  EXPECT_EQ(entity_errors(no_ttl), "<ok>");
  no_ttl.ttl = true;
  EXPECT_EQ(entity_errors(no_ttl), R"({"ttl":"ttl is a reserved field name when ttl is enabled"})");
}

TEST(MetaSchema, SubschemaKey) {
  Schema s = entity({{"str", Field::string().unique()}, {"num", Field::number().unique()},
                     {"protocols", Field::set(Field::string())}},
                    {"str"});
  s.subschema_key = "str";
  EXPECT_EQ(entity_errors(s), "<ok>");
  s.subschema_key = "protocols";  // Kong also accepts set fields
  EXPECT_EQ(entity_errors(s), "<ok>");
  s.subschema_key = "foo";
  EXPECT_EQ(entity_errors(s), R"({"subschema_key":"value must be a field name"})");
  s.subschema_key = "num";
  EXPECT_EQ(entity_errors(s), R"({"subschema_key":"must be a string or set field"})");
}

TEST(MetaSchema, InvalidTypeAny) {
  Schema s = entity({{"foo", Field::of(FieldType::Any)}}, {"foo"});
  EXPECT_EQ(entity_errors(s),
            R"({"fields":[{"type":"expected one of: array, set, string, number, boolean, )"
            R"(integer, foreign, map, record, function, json"}]})");
}

TEST(MetaSchema, FieldAttributeValues) {
  Schema s = entity({{"id", Field::string().description("too short")},
                     {"ref", Field::foreign("services").on_delete("explode")},
                     {"n", Field::integer().def("x")},
                     {"flag", Field::boolean().nilable()}});
  EXPECT_EQ(entity_errors(s),
            R"({"fields":[{"description":"length must be at least 10"},)"
            R"({"on_delete":"expected one of: restrict, cascade, null"},)"
            R"({"default":"expected an integer"},{"nilable":"unknown field"}]})");
  // Defaults that fit their field are fine.
  EXPECT_EQ(entity_errors(entity({{"id", Field::string()},
                                  {"port", Field::integer().between(0, 65535).def(80)},
                                  {"tags", Field::set(Field::string()).def(Value::array())}})),
            "<ok>");
}

TEST(MetaSchema, UniqueAcrossWsRequiresUnique) {
  Schema missing = entity({{"id", Field::string().unique_across_ws()}});
  EXPECT_EQ(entity_errors(missing),
            R"({"fields":[{"unique":"required field missing","@entity":)"
            R"(["failed conditional validation given value of field 'unique_across_ws'"]}]})");
  Schema is_false = entity({{"id", Field::string().unique(false).unique_across_ws()}});
  EXPECT_EQ(entity_errors(is_false),
            R"({"fields":[{"unique":"value must be true","@entity":)"
            R"(["failed conditional validation given value of field 'unique_across_ws'"]}]})");
  EXPECT_EQ(entity_errors(entity({{"id", Field::string().unique().unique_across_ws()}})), "<ok>");
  // Only string/number/integer/foreign fields may declare it.
  EXPECT_EQ(entity_error(entity({{"id", Field::string()},
                                 {"b", Field::boolean().unique().unique_across_ws()}}),
                         "b"),
            "field of type 'boolean' cannot have attribute 'unique_across_ws'");
}

TEST(MetaSchema, EntityCheckMatchesOnlyTakeValidators) {
  Schema s = entity({{"id", Field::string()}, {"a", Field::string()}, {"b", Field::string()}});
  s.entity_checks = {
      EntityCheck::only_one_of({"a", "b"}),
      EntityCheck::conditional("a", Field::partial().eq("x"), "b",
                               Field::partial().required().unique()),
      EntityCheck::conditional("a", Field::partial().eq("x"), "b", Field::partial().len_min(1)),
  };
  // A nested element definition is a full field record: it needs a type.
  s.entity_checks[2].if_match->elements_ = std::make_shared<Field>(Field::partial().eq("y"));
  EXPECT_EQ(entity_errors(s),
            R"({"entity_checks":[null,{"conditional":{"then_match":{"unique":"unknown field"}}},)"
            R"({"conditional":{"if_match":{"elements":{"type":"required field missing"}}}}]})");
}

TEST(MetaSchema, NestedRecordSchemaAttributes) {
  // A record's nested schema is a field record: it may carry entity checks and shorthands,
  // not transformations; its nested field definitions are checked like top-level ones.
  Transformation::Fn fn = [](const std::vector<Value>&) -> tl::expected<Value, std::string> {
    return Value(Object{});
  };
  Schema nested;
  nested.fields = {{"a", Field::string().description(std::string(501, 'x'))}};
  nested.entity_checks = {EntityCheck::at_least_one_of({"a"})};
  nested.transformations = {{{"a"}, {}, fn, nullptr}};
  Schema s = entity({{"id", Field::string()}, {"config", Field::record(nested)}});
  EXPECT_EQ(entity_errors(s),
            R"({"fields":[null,{"fields":[{"description":"length must be at most 500"}],)"
            R"("transformations":"unknown field"}]})");
}

TEST(MetaSchema, EntityCheckFunctionsAccepted) {
  Schema s = entity({{"a", Field::number()}, {"b", Field::number()}}, {"a"});
  s.entity_checks = {EntityCheck::custom({"a"}, [](const Value&) { return std::nullopt; })};
  EXPECT_EQ(entity_errors(s), "<ok>");
}

TEST(MetaSchema, Transformations) {
  Transformation::Fn fn = [](const std::vector<Value>&) -> tl::expected<Value, std::string> {
    return Value(Object{});
  };
  Field rec = Field::record(Fields{{"field", Field::string()}});
  Schema s = entity({{"test", Field::string()}, {"rec", rec}}, {"test"});
  s.transformations = {{{"test", "rec.field"}, {"test"}, fn, nullptr}};
  EXPECT_EQ(entity_errors(s), "<ok>");

  s.transformations = {{{"test"}, {}, nullptr, nullptr}};
  EXPECT_EQ(entity_errors(s),
            R"({"transformations":[{"@entity":["at least one of these fields must be )"
            R"(non-empty: 'on_write', 'on_read'"]}]})");

  s.transformations = {{{"test"}, {}, fn, nullptr},
                       {{"test", "nonexisting", "rec.nonexisting"}, {"nonexisting.field"}, nullptr, fn}};
  EXPECT_EQ(entity_errors(s),
            R"({"transformations":{"input":[null,[null,"invalid field name: nonexisting",)"
            R"("invalid field name: rec.nonexisting"]],)"
            R"("needs":[null,["invalid field name: nonexisting.field"]]}})");
  // The same rules hold for plugin schemas.
  Schema p = plugin({{"test", Field::string()}});
  p.transformations = {{{"test"}, {"nonexisting"}, fn, nullptr}};
  EXPECT_EQ(plugin_errors(p),
            R"({"transformations":{"needs":[["invalid field name: nonexisting"]]}})");
}

TEST(MetaSchema, ShorthandFields) {
  auto func = [](const Value& v) { return v; };
  Schema s = entity({{"id", Field::string()}});
  s.shorthand_fields = {{"ok", Field::string(), func},
                        {"rec", Field::record(Fields{{"a", Field::string()}}), func},
                        {"nofunc", Field::array(Field::string()), nullptr}};
  EXPECT_EQ(entity_errors(s),
            R"({"shorthand_fields":[null,{"type":"expected one of: array, set, string, )"
            R"(number, boolean, integer, map, json"},{"func":"required field missing"}]})");
}

TEST(MetaSchemaEntity, EntityRules) {
  Field fn = Field::of(FieldType::Function);
  EXPECT_EQ(entity_errors(entity({{"id", Field::string()}, {"f", fn}})),
            R"("f: Entities cannot have function types.")");
  EXPECT_EQ(entity_errors(entity({{"id", Field::string()},
                                  {"m", Field::map(Field::integer(), Field::string())}})),
            R"("m: Entities map keys must be strings.")");
  // Abstract fields are exempt.
  EXPECT_EQ(entity_errors(entity({{"id", Field::string()},
                                  {"m", Field::map(Field::integer(), Field::string()).abstract()}})),
            "<ok>");
  // Plugin schemas (MetaSubSchema) are not Entities.
  EXPECT_EQ(plugin_errors(plugin({{"m", Field::map(Field::integer(), Field::string())}})), "<ok>");
}

TEST(MetaSchemaPlugin, EntityOnlyAttributesAreUnknown) {
  Schema s = plugin({{"foo", Field::array(Field::number().uuid())}});
  s.primary_key = {"foo"};
  EXPECT_EQ(plugin_errors(s), R"({"primary_key":"unknown field",)"
                              R"("foo":"field of type 'number' cannot have attribute 'uuid'"})");
  Schema t = plugin({{"str", Field::string()}});
  t.ttl = true;
  t.cache_key = {"str"};
  t.endpoint_key = "str";
  EXPECT_EQ(plugin_errors(t),
            R"({"endpoint_key":"unknown field","cache_key":"unknown field","ttl":"unknown field"})");
  EXPECT_EQ(plugin_errors(plugin({{"pk", Field::boolean().def(true).eq(true)}})), "<ok>");
}

TEST(MetaSchemaEntity, KongsOwnDefinitionsPass) {
  for (const Schema& s : {entities::workspaces(), entities::consumers(), entities::certificates(),
                          entities::services(), entities::routes(), entities::snis(),
                          entities::upstreams(), entities::targets(), entities::plugins(),
                          entities::tags(), entities::ca_certificates(),
                          entities::keyauth_credentials()}) {
    EXPECT_EQ(entity_errors(s), "<ok>") << s.name;
  }
  for (const Schema& s : {entities::key_auth_plugin(), entities::basic_auth_plugin(),
                          entities::acl_plugin(), entities::rate_limiting_plugin(),
                          entities::cors_plugin(), entities::request_transformer_plugin()}) {
    EXPECT_EQ(plugin_errors(s), "<ok>") << s.name;
  }
}

}  // namespace
}  // namespace kongdb::schema
