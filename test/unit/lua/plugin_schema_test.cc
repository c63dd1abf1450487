// Lua schema tables to schema::Schema: attributes, entity checks, shorthands, transformations
// and legacy checks written in Lua behave as Kong's; malformed definitions name the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "kongdb/lua/plugins.h"
#include "kongdb/schema/metaschema.h"

namespace kongdb::lua {
namespace {

using ::testing::HasSubstr;

class PluginSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    host_ = std::make_shared<PluginHost>();
    install_schema_modules(host_->state.get());
  }

  /// Runs `code` (which returns a schema table) and converts the result.
  tl::expected<schema::Schema, std::string> convert(const std::string& code,
                                                    SchemaKind kind = SchemaKind::Entity) {
    lua_State* L = host_->state.get();
    std::lock_guard lock(host_->state.mutex());
    StackGuard guard(L);
    if (luaL_loadstring(L, code.c_str()) != 0 || lua_pcall(L, 0, 1, 0) != 0) {
      return tl::unexpected("Lua: " + pop_error_message(L));
    }
    return schema_from_lua(host_, -1, kind);
  }

  std::shared_ptr<PluginHost> host_;
};

TEST_F(PluginSchema, FieldAttributesAreCarriedOver) {
  auto s = convert(R"lua(
    local null = ngx.null
    return {
      name = "things", primary_key = { "id" },
      fields = {
        { id = { type = "string", uuid = true, auto = true } },
        { size = { type = "integer", between = { 1, 10 }, default = 5, required = true } },
        { color = { type = "string", one_of = { "red", "blue" }, err = "bad color" } },
        { none = { type = "string", eq = null } },
        { words = { type = "array", elements = { type = "string", match_none = { { pattern = "^x", err = "no x" } } } } },
        { meta = { type = "map", keys = { type = "string" }, values = { type = "integer", gt = 0 } } },
        { nested = { type = "record", fields = { { a = { type = "boolean", default = true } } } } },
      },
    }
  )lua");
  ASSERT_TRUE(s) << s.error();
  EXPECT_FALSE(schema::check_entity_definition(*s));
  const schema::Field* size = s->field("size");
  ASSERT_NE(size, nullptr);
  EXPECT_EQ(size->between_, (std::pair<double, double>{1, 10}));
  EXPECT_EQ(size->default_, Value(5));
  EXPECT_TRUE(size->is_required());
  EXPECT_EQ(s->field("color")->err_, "bad color");
  EXPECT_EQ(s->field("none")->eq_, Value());
  EXPECT_EQ(*s->validate_field(*s->field("color"), Value("green")), Value("bad color"));
  EXPECT_EQ(*s->validate_field(*s->field("words"), Value::array({"ok", "xray"})),
            Value::array({Value(), "no x"}));
  EXPECT_EQ(*s->validate_field(*s->field("none"), Value("x")), Value("value must be null"));
}

TEST_F(PluginSchema, EntityChecksShorthandsTransformationsAndCheckRunLua) {
  auto s = convert(R"lua(
    return {
      name = "pairs", primary_key = { "id" },
      fields = {
        { id = { type = "string", uuid = true, auto = true } },
        { a = { type = "string" } },
        { b = { type = "string" } },
        { upper = { type = "string" } },
      },
      entity_checks = {
        { at_least_one_of = { "a", "b" } },
        { conditional = { if_field = "a", if_match = { eq = "x" },
                          then_field = "b", then_match = { required = true } } },
      },
      shorthand_fields = {
        { ab = { type = "string", func = function(v) return { a = v, b = v } end } },
      },
      transformations = {
        { input = { "a" }, on_write = function(a) return { upper = a:upper() } end },
      },
      check = function(e)
        if e.a == "forbidden" then return nil, "a is forbidden" end
        return true
      end,
    }
  )lua");
  ASSERT_TRUE(s) << s.error();
  s->prepare();

  auto expanded = s->process_auto_fields(Value::object({{"ab", "q"}}), schema::Context::Insert);
  ASSERT_TRUE(expanded);
  EXPECT_EQ(*expanded->data.find("a"), Value("q"));
  EXPECT_EQ(*expanded->data.find("b"), Value("q"));

  auto transformed = s->transform(Value::object({{"a", "hi"}}), nullptr, schema::Context::Insert);
  ASSERT_TRUE(transformed) << transformed.error();
  EXPECT_EQ(*transformed->find("upper"), Value("HI"));

  auto errs = s->validate_insert(Value::object({{"id", "6f1e4c7a-4b0e-4f0e-9d5e-2b6f8e0c1a11"}, {"a", Value()},
                                                {"b", Value()}, {"upper", Value()}}));
  ASSERT_TRUE(errs);
  EXPECT_EQ(*errs->find("@entity"),
            Value::array({"at least one of these fields must be non-empty: 'a', 'b'"}));

  errs = s->validate_insert(Value::object({{"id", "6f1e4c7a-4b0e-4f0e-9d5e-2b6f8e0c1a11"}, {"a", "forbidden"},
                                           {"b", "y"}, {"upper", Value()}}));
  ASSERT_TRUE(errs);
  EXPECT_EQ(*errs->find("@entity"), Value::array({"a is forbidden"}));
}

TEST_F(PluginSchema, LuaErrorInsideAValidatorBecomesTheFieldMessage) {
  auto s = convert(R"lua(
    return {
      name = "boom", primary_key = { "id" },
      fields = {
        { id = { type = "string", uuid = true, auto = true } },
        { v = { type = "string", custom_validator = function(v) error("validator exploded") end } },
      },
    }
  )lua");
  ASSERT_TRUE(s) << s.error();
  auto err = s->validate_field(*s->field("v"), Value("x"));
  ASSERT_TRUE(err);
  EXPECT_THAT(err->as_string(), HasSubstr("validator exploded"));
}

TEST_F(PluginSchema, UnknownAttributeNamesTheField) {
  auto s = convert(R"lua(
    return { name = "x", primary_key = { "id" },
             fields = { { id = { type = "string" } }, { n = { type = "integer", indexed = true } } } }
  )lua");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), "field 'n': attribute 'indexed': unknown field");
}

TEST_F(PluginSchema, UnknownTypeNamesTheNestedField) {
  auto s = convert(R"lua(
    return { name = "x", fields = { { config = { type = "record", fields = { { f = { type = "strnig" } } } } } } }
  )lua",
                   SchemaKind::Plugin);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), "field 'config.f': attribute 'type': invalid type: strnig");
}

TEST_F(PluginSchema, FieldEntryWithTwoNamesIsRefused) {
  auto s = convert(R"lua(
    return { name = "x", primary_key = { "id" }, fields = { { id = { type = "string" }, other = { type = "string" } } } }
  )lua");
  ASSERT_FALSE(s);
  EXPECT_THAT(s.error(), HasSubstr("fields[1]: a field entry must have exactly one key"));
}

TEST_F(PluginSchema, MissingTypeIsReported) {
  auto s = convert(R"lua(
    return { name = "x", primary_key = { "id" }, fields = { { id = { required = true } } } }
  )lua");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), "field 'id': missing type declaration");
}

TEST_F(PluginSchema, EntityWithoutPrimaryKeyIsReported) {
  auto s = convert(R"lua(return { name = "x", fields = { { id = { type = "string" } } } })lua");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), "schema attribute 'primary_key': required field missing");
}

TEST_F(PluginSchema, CustomDaoModulesAreRefused) {
  auto s = convert(R"lua(
    return { name = "x", primary_key = { "id" }, dao = "kong.plugins.x.dao", fields = { { id = { type = "string" } } } }
  )lua");
  ASSERT_FALSE(s);
  EXPECT_THAT(s.error(), HasSubstr("custom DAO modules are not supported"));
}

TEST_F(PluginSchema, TypedefsModuleIsCallableAndRejectsUnknownNames) {
  lua_State* L = host_->state.get();
  std::lock_guard lock(host_->state.mutex());
  StackGuard guard(L);
  const char* code = R"lua(
    local typedefs = require "kong.db.schema.typedefs"
    local port = typedefs.port { default = 80 }
    assert(port.type == "integer" and port.default == 80)
    assert(typedefs.port.default == nil, "the typedef itself is not modified")
    assert(typedefs.protocols.required == true)
    local ok, err = pcall(function() return typedefs.nope end)
    assert(not ok and err:find("schema typedef error: definition nope does not exist", 1, true), err)
    local constants = require "kong.constants"
    assert(constants.BUNDLED_PLUGINS["key-auth"])
  )lua";
  ASSERT_EQ(luaL_loadstring(L, code), 0);
  ASSERT_EQ(lua_pcall(L, 0, 0, 0), 0) << pop_error_message(L);
}

}  // namespace
}  // namespace kongdb::lua
