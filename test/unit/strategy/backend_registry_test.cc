// Backends by name: the registry's lookups and errors, and each built-in backend reading its
// own settings.
#include "kongdb/strategy/backend.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "kongdb/dao/db.h"
#include "kongdb/schema/registry.h"
#include "kongdb/strategy/backends.h"

namespace kongdb::strategy {
namespace {

using Values = std::map<std::string, std::string>;

class MapSettings final : public Settings {
 public:
  explicit MapSettings(std::map<std::string, std::string> values) : values_(std::move(values)) {}
  std::optional<std::string> get(std::string_view key) const override {
    auto it = values_.find(std::string(key));
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string> values_;
};

std::filesystem::path scratch_path(const std::string& name) {
  return std::filesystem::temp_directory_path() / ("kongdb_backend_" + std::to_string(getpid()) + "_" + name);
}

TEST(BackendRegistry, BuiltinBackendsAreRegisteredByName) {
  EXPECT_EQ(builtin_backends().names(), (std::vector<std::string>{"cassandra", "memory", "postgres", "sqlite"}));
  EXPECT_NE(builtin_backends().find("sqlite"), nullptr);
  EXPECT_EQ(builtin_backends().find("mysql"), nullptr);
}

TEST(BackendRegistry, AnUnknownDatabaseListsTheRegisteredOnes) {
  auto opened = builtin_backends().open("mysql", MapSettings(Values{}));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), "database 'mysql' is not supported by this build (registered: cassandra, memory, postgres, sqlite)");
}

TEST(CassandraBackend, ABadSettingIsNamedBeforeAnyConnection) {
  auto port = builtin_backends().open("cassandra", MapSettings(Values{{"cassandra_port", "abc"}}));
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error(), "cassandra_port is not a number: 'abc'");
  auto policy = builtin_backends().open("cassandra", MapSettings(Values{{"cassandra_lb_policy", "DCAwareRoundRobin"}}));
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error(), "must specify 'cassandra_local_datacenter' when DCAwareRoundRobin policy is in use");
  auto repl = builtin_backends().open("cassandra", MapSettings(Values{{"cassandra_repl_strategy", "Everywhere"}}));
  ASSERT_FALSE(repl);
  EXPECT_EQ(repl.error(), "cassandra_repl_strategy has an invalid value: 'Everywhere' (SimpleStrategy, NetworkTopologyStrategy)");
}

TEST(CassandraBackend, AnUnreachableClusterIsReportedWithItsLabel) {
  // Port 1 on loopback: nothing listens there.
  auto opened = builtin_backends().open(
      "cassandra", MapSettings(Values{{"cassandra_port", "1"}, {"cassandra_timeout", "1000"}}));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().rfind("cannot open keyspace 'kong' on 127.0.0.1:1: ", 0), 0u) << opened.error();
}

TEST(BackendRegistry, ANameIsRegisteredOnce) {
  BackendRegistry registry;
  ASSERT_TRUE(registry.add(sqlite_backend()));
  auto again = registry.add(sqlite_backend());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), "backend 'sqlite' is registered twice");
}

TEST(SqliteBackend, OpensTheFileSqlitePathNamesAndReportsItNew) {
  const auto path = scratch_path("new.sqlite");
  std::filesystem::remove(path);
  auto opened = builtin_backends().open("sqlite", MapSettings(Values{{"sqlite_path", path.string()}}));
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_TRUE(opened->is_new);
  EXPECT_EQ(opened->label, "database '" + path.string() + "'");
  EXPECT_EQ(opened->connector->name(), "sqlite");
  opened->connector.reset();
  EXPECT_TRUE(std::filesystem::exists(path));
  std::filesystem::remove(path);
}

TEST(SqliteBackend, NoCreateLeavesNoFileBehind) {
  const auto path = scratch_path("absent.sqlite");
  std::filesystem::remove(path);
  auto opened = builtin_backends().open("sqlite", MapSettings(Values{{"sqlite_path", path.string()}}), {.no_create = true});
  ASSERT_TRUE(opened) << opened.error();
  opened->connector.reset();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SqliteBackend, ADirectoryIsRefused) {
  const auto dir = scratch_path("dir");
  std::filesystem::create_directories(dir);
  auto opened = builtin_backends().open("sqlite", MapSettings(Values{{"sqlite_path", dir.string()}}));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), "sqlite_path '" + dir.string() + "' is a directory");
  std::filesystem::remove(dir);
}

TEST(PostgresBackend, ANonNumericPortIsNamedBeforeConnecting) {
  auto opened = builtin_backends().open("postgres", MapSettings(Values{{"pg_port", "abc"}}));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), "pg_port is not a number: 'abc'");
}

TEST(PostgresBackend, AnUnreachableServerIsReportedWithItsLabel) {
  // Port 1 on loopback: nothing listens there.
  auto opened = builtin_backends().open(
      "postgres", MapSettings(Values{{"pg_host", "127.0.0.1"}, {"pg_port", "1"}, {"pg_database", "kongdb_x"}}));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().rfind("cannot open database 'kongdb_x' on 127.0.0.1:1: ", 0), 0u) << opened.error();
}

// `kongdb start` opens one connector per worker: on memory they must all see one store.
TEST(MemoryBackend, EveryOpenInAProcessSharesOneStore) {
  auto registry = std::make_shared<const schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
  auto first = builtin_backends().open("memory", MapSettings(Values{}));
  auto second = builtin_backends().open("memory", MapSettings(Values{}));
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first->is_new);
  EXPECT_EQ(first->connector->name(), "memory");
  EXPECT_EQ(first->connector->migrations(), nullptr);
  auto writer = dao::DB::create(std::move(first->connector), registry);
  auto reader = dao::DB::create(std::move(second->connector), registry);
  ASSERT_TRUE(writer && reader);
  const std::string name = "shared-" + std::to_string(getpid());
  auto inserted = (**writer)["services"].insert(Value::object({{"name", name}, {"host", "example.com"}}));
  ASSERT_TRUE(inserted) << inserted.error().to_string();
  auto seen = (**reader)["services"].select_by("name", Value(name));
  ASSERT_TRUE(seen && *seen);
  EXPECT_EQ(*(*seen)->find("id"), *inserted->find("id"));
  ASSERT_TRUE((**reader)["services"].remove(Value::object({{"id", *inserted->find("id")}})));
}

}  // namespace
}  // namespace kongdb::strategy
