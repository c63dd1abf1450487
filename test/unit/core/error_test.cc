#include <gtest/gtest.h>

#include "kongdb/core/error.h"
#include "kongdb/core/json.h"

namespace kongdb {

TEST(Error, PrettyCompactMatchesPenlight) {
  EXPECT_EQ(pretty_compact(Value::object({{"id", "abc"}})), R"({id="abc"})");
  EXPECT_EQ(pretty_compact(Value::object({{"name", "x"}, {"id", 1}})), R"({id=1,name="x"})");
  EXPECT_EQ(pretty_compact(Value::object({{"@entity", Value::array({"a"})}})), R"({["@entity"]={"a"}})");
  EXPECT_EQ(pretty_compact(Value::object({{"a", Value()}})), R"({a="userdata: NULL"})");
  EXPECT_EQ(pretty_compact(Value::array({Value(), "x"})), R"({[2]="x"})");
  EXPECT_EQ(pretty_compact(Value::object()), "{}");
  EXPECT_EQ(pretty_compact(Value::object({{"end", true}})), R"({["end"]=true})");
}

TEST(Error, PrettyIndentedMatchesPenlight) {
  EXPECT_EQ(pretty_indented(Value::object({{"a", "x"}, {"b", Value::object({{"c", "y"}})}})),
            "{\n  a = \"x\",\n  b = {\n    c = \"y\"\n  }\n}");
}

TEST(Error, SchemaViolationWithOneError) {
  Error e = errors::schema_violation(Value::object({{"host", "required field missing"}}));
  EXPECT_EQ(e.code, ErrorCode::SchemaViolation);
  EXPECT_EQ(e.name, "schema violation");
  EXPECT_EQ(e.message, "schema violation (host: required field missing)");
}

TEST(Error, SchemaViolationOrdersEntityErrorsFirstThenFieldsSorted) {
  Value errs = Value::object({{"port", "expected an integer"},
                              {"@entity", Value::array({"a", "b"})},
                              {"config", Value::object({{"minute", "expected a number"}})},
                              {"protocols", Value::array({Value(), "expected one of: http"})}});
  Error e = errors::schema_violation(errs);
  EXPECT_EQ(e.message,
            "5 schema violations (a; b; config.minute: expected a number; port: expected an integer; "
            "protocols.2: expected one of: http)");
}

TEST(Error, ToValueHasKongsShapeWithoutStrategy) {
  Error e = errors::not_found(Value::object({{"id", "x"}}));
  e.strategy = "sqlite";
  EXPECT_EQ(json::encode(e.to_value()),
            R"({"code":6,"name":"not found","message":"could not find the entity with primary key '{id=\"x\"}'","fields":{"id":"x"}})");
  EXPECT_EQ(e.to_string(), R"([sqlite] could not find the entity with primary key '{id="x"}')");
}

TEST(Error, EveryConstructorHasKongsCodeAndMessage) {
  EXPECT_EQ(errors::invalid_primary_key(Value::object({{"id", "expected a valid UUID"}})).message,
            R"(invalid primary key: '{id="expected a valid UUID"}')");
  EXPECT_EQ(errors::primary_key_violation(Value::object({{"id", "x"}})).message,
            R"(primary key violation on key '{id="x"}')");
  Error fk = errors::foreign_key_violation_invalid_reference(Value::object({{"id", "x"}}), "service",
                                                             "services");
  EXPECT_EQ(fk.message, R"(the foreign key '{id="x"}' does not reference an existing 'services' entity.)");
  EXPECT_EQ(json::encode(fk.fields), R"({"service":{"id":"x"}})");
  Error restricted = errors::foreign_key_violation_restricted("services", "routes");
  EXPECT_EQ(restricted.message, "an existing 'routes' entity references this 'services' entity");
  EXPECT_EQ(json::encode(restricted.fields), R"({"@referenced_by":"routes"})");
  EXPECT_EQ(errors::unique_violation(Value::object({{"name", "s1"}, {"x", Value()}})).message,
            R"(UNIQUE violation detected on '{name="s1",x=null}')");
  EXPECT_EQ(errors::not_found_by_field(Value::object({{"name", "s1"}})).message,
            R"(could not find the entity with '{name="s1"}')");
  EXPECT_EQ(errors::invalid_offset("abc", "bad base64 encoding").message,
            "'abc' is not a valid offset: bad base64 encoding");
  EXPECT_EQ(errors::database_error().message, "database error");
  EXPECT_EQ(errors::invalid_size("size must be an integer between 1 and 50000").code, ErrorCode::InvalidSize);
  Error iu = errors::invalid_unique("name", "expected a string");
  EXPECT_EQ(iu.name, "invalid unique name");
  EXPECT_EQ(static_cast<int>(iu.code), 10);
  Error opts = errors::invalid_options(Value::object({{"ttl", "cannot be used with 'services'"}}));
  EXPECT_EQ(opts.message, "invalid option (ttl: cannot be used with 'services')");
  ASSERT_NE(opts.to_value().find("options"), nullptr);
  EXPECT_EQ(opts.to_value().find("fields"), nullptr);
  Error many = errors::invalid_options(
      Value::object({{"tags", "must be a table"}, {"pagination", Value::object({{"page_size", "must be a number"}})}}));
  EXPECT_EQ(many.message, "2 option violations (pagination.page_size: must be a number; tags: must be a table)");
  EXPECT_EQ(errors::invalid_workspace("w").message, "invalid workspace 'w'");
  EXPECT_EQ(errors::invalid_unique_global("name").message, "unique key name is invalid for global query");
  EXPECT_EQ(static_cast<int>(errors::referenced_by_others("x").code), 19);
  EXPECT_EQ(static_cast<int>(errors::operation_unsupported("x").code), 12);
  EXPECT_EQ(errors::declarative_config(Value::object({{"a", "b"}})).message,
            R"(declarative config is invalid: {a="b"})");
  EXPECT_EQ(errors::transformation_error("").message, "transformation error");
}

TEST(Error, ForeignKeysUnresolvedRendersTheSentence) {
  Value unresolved = Value::object(
      {{"service", Value::object({{"name", Value::object({{"name", "name"}, {"value", "s1"}, {"parent", "services"}})}})}});
  Error e = errors::foreign_keys_unresolved(unresolved);
  EXPECT_EQ(e.message,
            "foreign key unresolved (service.name: the foreign key cannot be resolved with "
            "'{name=\"s1\"}' for an existing 'services' entity)");
  EXPECT_EQ(e.fields.find("service")->find("name")->as_string(),
            "the foreign key cannot be resolved with '{name=\"s1\"}' for an existing 'services' entity");
}

}  // namespace kongdb
