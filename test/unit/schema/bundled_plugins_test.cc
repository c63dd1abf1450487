// The bundled-plugin descriptors: each one agrees with the schemas it names, and the entity
// registry is built from them.
#include "kongdb/schema/bundled_plugins.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "kongdb/schema/registry.h"

namespace kongdb::schema {
namespace {

TEST(BundledPlugins, NamesMatchTheirConfigSchemasAndAreUnique) {
  std::set<std::string_view> names;
  for (const BundledPlugin* p : bundled_plugins()) {
    EXPECT_EQ(p->config_schema().name, p->name);
    EXPECT_TRUE(names.insert(p->name).second) << p->name;
    EXPECT_GT(p->priority, 0) << p->name;
    for (const BundledPluginEntity& e : p->entities) EXPECT_EQ(e.schema().name, e.name);
  }
}

TEST(BundledPlugins, TheRegistryCarriesEveryBundledPluginAndItsEntities) {
  const EntityRegistry reg = EntityRegistry::with_core_entities();
  std::vector<std::string> expected;
  for (const BundledPlugin* p : bundled_plugins()) {
    expected.emplace_back(p->name);
    for (const BundledPluginEntity& e : p->entities) EXPECT_NE(reg.get(e.name), nullptr) << e.name;
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(reg.plugin_names(), expected);
}

TEST(BundledPlugins, LookupByNameAndByEntity) {
  ASSERT_NE(find_bundled_plugin("cors"), nullptr);
  EXPECT_EQ(find_bundled_plugin("cors")->priority, 2000);
  EXPECT_EQ(find_bundled_plugin("no-such-plugin"), nullptr);
  ASSERT_NE(bundled_owner_of("keyauth_credentials"), nullptr);
  EXPECT_EQ(bundled_owner_of("keyauth_credentials")->name, "key-auth");
  EXPECT_EQ(bundled_owner_of("services"), nullptr);
}

}  // namespace
}  // namespace kongdb::schema
