// Config::load: Kong's conf file syntax, KONG_* overrides and value checks.
#include "kongdb/config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace kongdb {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Tests own the KONG_* environment; the outer one must not leak in.
    for (const char* k : {"KONG_DATABASE", "KONG_SQLITE_PATH", "KONG_PLUGINS", "KONG_DB_CACHE_TTL",
                          "KONG_PG_HOST", "KONG_PG_PORT", "KONG_PREFIX", "KONG_ADMIN_LISTEN"}) {
      unsetenv(k);
    }
    dir_ = std::filesystem::temp_directory_path() /
           ("kongdb_config_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    for (const auto& k : set_) unsetenv(k.c_str());
    std::filesystem::remove_all(dir_);
  }
  std::string write(const std::string& text) {
    auto p = dir_ / ("kongdb" + std::to_string(files_++) + ".conf");
    std::ofstream(p) << text;
    return p.string();
  }
  void env(const std::string& k, const std::string& v) {
    setenv(k.c_str(), v.c_str(), 1);
    set_.push_back(k);
  }

  std::filesystem::path dir_;
  int files_ = 0;
  std::vector<std::string> set_;
};

TEST_F(ConfigTest, DefaultsWithoutFile) {
  auto c = Config::load("");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->database, "sqlite");
  EXPECT_EQ(c->sqlite_path, "kongdb.sqlite");
  EXPECT_EQ(c->admin_listen, "127.0.0.1:8001");
  EXPECT_EQ(c->plugins, std::vector<std::string>{"bundled"});
  EXPECT_EQ(c->db_cache_ttl, 0);
  EXPECT_EQ(c->get("pg_host"), "127.0.0.1");
  EXPECT_EQ(c->get("nope"), std::nullopt);
}

TEST_F(ConfigTest, KeyValueLinesCommentsAndBlanks) {
  auto c = Config::load(write(
      "# a comment line\n"
      "\n"
      "   database   =   sqlite   \n"
      "sqlite_path = /tmp/x.db   # trailing comment\n"
      "pg_password = pa\\#ss  # escaped octothorpe\n"
      "plugins = bundled, my-plugin ,other\n"
      "db_cache_ttl = 30\n"
      "custom_key = value with spaces\n"
      "empty_key =\n"));
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->database, "sqlite");
  EXPECT_EQ(c->sqlite_path, "/tmp/x.db");
  EXPECT_EQ(c->get("pg_password"), "pa#ss");
  EXPECT_EQ(c->plugins, (std::vector<std::string>{"bundled", "my-plugin", "other"}));
  EXPECT_EQ(c->db_cache_ttl, 30);
  EXPECT_EQ(c->get("custom_key"), "value with spaces");
  EXPECT_EQ(c->get("empty_key"), "");
}

TEST_F(ConfigTest, EnvironmentOverridesFile) {
  std::string path = write("database = postgres\nsqlite_path = /from/file\nplugins = bundled\n");
  env("KONG_DATABASE", "sqlite");
  env("KONG_SQLITE_PATH", "/from/env.db");
  env("KONG_PLUGINS", "key-auth,acl");
  env("KONG_SOME_NEW_KEY", "x");
  auto c = Config::load(path);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->database, "sqlite");
  EXPECT_EQ(c->sqlite_path, "/from/env.db");
  EXPECT_EQ(c->plugins, (std::vector<std::string>{"key-auth", "acl"}));
  EXPECT_EQ(c->get("some_new_key"), "x");
}

TEST_F(ConfigTest, EnvironmentValuesAreLiteral) {
  // Only the file strips comments, as in Kong.
  env("KONG_PG_PASSWORD", "a#b");
  auto c = Config::load("");
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->get("pg_password"), "a#b");
}

TEST_F(ConfigTest, InvalidDatabaseFromEnv) {
  env("KONG_DATABASE", "mysql");
  auto c = Config::load("");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), "database has an invalid value: 'mysql' (sqlite, postgres, memory, cassandra, off)");
}

TEST_F(ConfigTest, InvalidDatabaseFromFileNamesTheLine) {
  std::string path = write("# header\ndatabase = x\n");
  auto c = Config::load(path);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), path + ":2: database has an invalid value: 'x' (sqlite, postgres, memory, cassandra, off)");
}

TEST_F(ConfigTest, EveryDatabaseValueIsAccepted) {
  for (const char* db : {"sqlite", "postgres", "memory", "cassandra", "off"}) {
    auto c = Config::load(write(std::string("database = ") + db + "\n"));
    ASSERT_TRUE(c) << c.error();
    EXPECT_EQ(c->database, db);
  }
}

TEST_F(ConfigTest, MalformedLineNamesFileAndLine) {
  std::string path = write("database = sqlite\nthis line has no equals sign\n");
  auto c = Config::load(path);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find(path + ":2:"), std::string::npos) << c.error();
  EXPECT_NE(c.error().find("malformed"), std::string::npos) << c.error();
}

TEST_F(ConfigTest, BadKeyNamesFileAndLine) {
  std::string path = write("\n\nbad key! = 1\n");
  auto c = Config::load(path);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find(path + ":3:"), std::string::npos) << c.error();
}

TEST_F(ConfigTest, NumbersAreChecked) {
  std::string path = write("db_cache_ttl = soon\n");
  auto c = Config::load(path);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), path + ":1: db_cache_ttl is not a number: 'soon'");
  env("KONG_PG_PORT", "abc");
  auto d = Config::load("");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), "pg_port is not a number: 'abc'");
}

TEST_F(ConfigTest, MissingFile) {
  auto c = Config::load((dir_ / "absent.conf").string());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("no file at"), std::string::npos);
}

TEST_F(ConfigTest, LaterLinesWinAndKeysAreCaseInsensitive) {
  auto c = Config::load(write("SQLITE_PATH = a.db\nsqlite_path = b.db\n"));
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->sqlite_path, "b.db");
}

TEST_F(ConfigTest, PluginsOffAndEmptyItems) {
  auto c = Config::load(write("plugins = off\n"));
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->plugins, std::vector<std::string>{"off"});
  auto d = Config::load(write("plugins = a,,b, \n"));
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(d->plugins, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace kongdb
