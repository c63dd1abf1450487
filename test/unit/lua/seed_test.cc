// The seed era's snippets (test/lua/seed/*.lua) run verbatim, followed in the same chunk by
// their *.check.lua assertions, on SQLite and PostgreSQL; the results are also read back
// from C++.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "unit/lua/lua_db_fixture.h"

namespace kongdb::lua::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string seed(const std::string& name) {
  const std::string dir = std::string(KONGDB_LUA_TEST_DIR) + "/seed/";
  return read_file(dir + name + ".lua") + "\n" + read_file(dir + name + ".check.lua");
}

class Seed : public LuaDb {};

TEST_P(Seed, MissionSnippetInsertsServiceAndLegacyPlugin) {
  run(seed("mission_snippet"));
  Value result = global("result");
  auto plugin = db().dao("plugins")->select(Value::object({{"id", *result.find("plugin_id")}}));
  ASSERT_TRUE(plugin && *plugin);
  EXPECT_EQ(*(*plugin)->find("service"), Value::object({{"id", *result.find("service_id")}}));
  EXPECT_EQ(*(*plugin)->find("name"), Value("key-auth"));
  EXPECT_EQ((*plugin)->find("route"), nullptr);  // null fields are left out without `nulls`
}

TEST_P(Seed, ServicesRoutesConsumersAndPluginsThroughBothApis) {
  run(seed("services_routes_consumers_plugins"));
  Value result = global("result");
  auto plugin = db().dao("plugins")->select(Value::object({{"id", *result.find("plugin_id")}}));
  ASSERT_TRUE(plugin && *plugin);
  EXPECT_EQ(*(*plugin)->find("route"), Value::object({{"id", *result.find("route_id")}}));
  auto consumer = db().dao("consumers")->select_by("username", Value("alice"));
  ASSERT_TRUE(consumer && *consumer);
  EXPECT_EQ(*(*consumer)->find("id"), *result.find("consumer_id"));
}

INSTANTIATE_TEST_SUITE_P(Backends, Seed, ::testing::Values("sqlite", "postgres", "memory"), backend_name);

}  // namespace
}  // namespace kongdb::lua::testing
