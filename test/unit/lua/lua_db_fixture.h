// A fresh, bootstrapped database per test (SQLite in a temporary directory, a new memory store,
// or PostgreSQL in its own schema when KONG_PG_HOST is set; PostgreSQL cases are skipped otherwise) with a Lua
// State that has kong.db / singletons installed over it.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "kongdb/dao/db.h"
#include "kongdb/lua/runtime.h"
#include "kongdb/lua/singletons.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/schema/registry.h"
#include "kongdb/strategy/memory.h"
#include "kongdb/strategy/postgres.h"
#include "kongdb/strategy/sqlite.h"

namespace kongdb::lua::testing {

/// A connector on an empty PostgreSQL schema of its own (name_prefix + pid + counter), on the
/// server the KONG_PG_* variables name.
inline Result<std::unique_ptr<strategy::Connector>> open_test_postgres(const std::string& name_prefix) {
  static std::atomic<int> counter{0};
  strategy::PostgresOptions o;
  if (const char* v = std::getenv("KONG_PG_HOST")) o.host = v;
  if (const char* v = std::getenv("KONG_PG_PORT")) o.port = std::atoi(v);
  if (const char* v = std::getenv("KONG_PG_USER")) o.user = v;
  if (const char* v = std::getenv("KONG_PG_PASSWORD")) o.password = v;
  if (const char* v = std::getenv("KONG_PG_DATABASE")) o.database = v;
  o.schema = name_prefix + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  o.pool_size = 2;
  auto conn = strategy::open_postgres(o);
  if (!conn) return conn;
  if (auto r = (*conn)->migrations()->reset(); !r) return r.error();
  return conn;
}

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

class LuaDb : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto base = std::filesystem::temp_directory_path() / "kongdb-lua-XXXXXX";
    std::string pattern = base.string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    tmpdir_ = pattern;
    const char* pg_host = std::getenv("KONG_PG_HOST");
    if (GetParam() == "postgres" && (!pg_host || !*pg_host)) {
      GTEST_SKIP() << "KONG_PG_HOST is not set (run through scripts/with_postgres.sh)";
    }
    auto connector = open_connector();
    ASSERT_TRUE(connector) << connector.error().to_string();
    registry_ = std::make_shared<const schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
    std::ostringstream log;
    migrations::Runner runner(**connector, *registry_);
    auto boot = runner.bootstrap(log);
    ASSERT_TRUE(boot) << boot.error() << log.str();
    auto created = dao::DB::create(std::move(*connector), registry_);
    ASSERT_TRUE(created) << created.error().to_string();
    db_ = std::move(*created);
    state_ = std::make_unique<State>();
    install_singletons(*state_, *db_);
  }

  void TearDown() override {
    state_.reset();
    db_.reset();
    std::error_code ec;
    if (!tmpdir_.empty()) std::filesystem::remove_all(tmpdir_, ec);
  }

  /// Runs `code`; fails the test with the Lua message and traceback on error.
  void run(const std::string& code) {
    auto r = state_->run_string(code, "=test");
    ASSERT_TRUE(r) << r.error();
  }

  /// Runs `code` expecting a Lua error; returns its message.
  std::string run_error(const std::string& code) {
    auto r = state_->run_string(code, "=test");
    EXPECT_FALSE(r) << "expected a Lua error from: " << code;
    return r ? std::string() : r.error();
  }

  /// The Value of the global `name` (set by the Lua code under test).
  Value global(const char* name) {
    lua_State* L = *state_;
    StackGuard guard(L);
    lua_getglobal(L, name);
    auto v = to_value(L, -1);
    EXPECT_TRUE(v) << v.error();
    return v ? *v : Value();
  }

  dao::DB& db() { return *db_; }

 private:
  Result<std::unique_ptr<strategy::Connector>> open_connector() {
    if (GetParam() == "sqlite") {
      strategy::SqliteOptions o;
      o.path = tmpdir_ + "/lua.db";
      return strategy::open_sqlite(o);
    }
    if (GetParam() == "memory") return strategy::open_memory({});
    return open_test_postgres("kongdb_lua_");
  }

  std::string tmpdir_;
  std::shared_ptr<const schema::EntityRegistry> registry_;
  std::unique_ptr<dao::DB> db_;
  std::unique_ptr<State> state_;
};

}  // namespace kongdb::lua::testing
