// What only the SQLite strategy does, driven directly through open_sqlite (no DAO):
// bookkeeping, SQL metacharacters, transactions, two processes on one file. Behaviour every
// backend shares is in strategy_conformance_test.cc. Written for kongdb.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "kongdb/core/ids.h"
#include "kongdb/schema/schema.h"
#include "kongdb/strategy/sqlite.h"
#include "unit/strategy/strategy_schemas.h"

using namespace kongdb;
using namespace kongdb::strategy;
using schema::Field;
using schema::Schema;
using strategy::testing::id_of;
using strategy::testing::uuid_n;

namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kongdb-sqlite-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "kong.db").string();

    parents_ = strategy::testing::parents_schema();
    cascade_ = strategy::testing::child_schema("cascades", "cascade", parents_);
    restrict_ = strategy::testing::child_schema("restricts", nullptr, parents_);
    nulls_ = strategy::testing::child_schema("nullers", "null", parents_);
    cascade_.cache_key = {"parent", "label"};
    cascade_.fields.push_back({"label2", Field::string()});
    tokens_ = strategy::testing::tokens_schema();

    clock_ = std::make_unique<FixedClock>(1700000000.0);
    open();
    ASSERT_TRUE(conn_->migrations()->bootstrap_meta());
    ASSERT_TRUE(conn_->migrations()->run_up("core", "000_base", {&parents_, &cascade_, &restrict_, &nulls_}, false));
    ASSERT_TRUE(conn_->migrations()->run_up("core", "001_tokens", {&tokens_}, true));
    parents_s_ = strategy_for(parents_);
    cascade_s_ = strategy_for(cascade_);
    restrict_s_ = strategy_for(restrict_);
    nulls_s_ = strategy_for(nulls_);
    tokens_s_ = strategy_for(tokens_);
  }

  void TearDown() override {
    parents_s_.reset();
    cascade_s_.reset();
    restrict_s_.reset();
    nulls_s_.reset();
    tokens_s_.reset();
    conn_.reset();
    std::filesystem::remove_all(dir_);
  }

  void open() {
    auto c = open_sqlite({.path = path_, .clock = clock_.get()});
    ASSERT_TRUE(c) << c.error().message;
    conn_ = std::move(*c);
  }

  std::unique_ptr<Strategy> strategy_for(const Schema& s) {
    auto st = conn_->strategy_for(s);
    EXPECT_TRUE(st) << st.error().message;
    return st ? std::move(*st) : nullptr;
  }

  Value parent_row(int n, const std::string& name) {
    return Value::object({{"id", uuid_n(n)}, {"name", name}, {"port", 80}, {"weight", 1.5},
                          {"enabled", true}, {"tags", Value::array({"a", "b"})},
                          {"meta", Value::object({{"a", "x"}})}});
  }
  Value child_row(int n, int parent, const std::string& label) {
    return Value::object({{"id", uuid_n(n)}, {"parent", id_of(uuid_n(parent))}, {"label", label}});
  }

  std::filesystem::path dir_;
  std::string path_;
  Schema parents_, cascade_, restrict_, nulls_, tokens_;
  std::unique_ptr<FixedClock> clock_;
  std::unique_ptr<Connector> conn_;
  std::unique_ptr<Strategy> parents_s_, cascade_s_, restrict_s_, nulls_s_, tokens_s_;
  QueryOptions ws_{.ws_id = "ws-1"};
  QueryOptions none_{};
};

TEST_F(SqliteTest, SchemaStateAndReset) {
  auto st = conn_->migrations()->schema_state();
  ASSERT_TRUE(st && *st);
  ASSERT_EQ((*st)->size(), 1u);
  EXPECT_EQ((**st)[0].subsystem, "core");
  EXPECT_EQ((**st)[0].executed, std::vector<std::string>{"000_base"});
  EXPECT_EQ((**st)[0].pending, std::vector<std::string>{"001_tokens"});
  ASSERT_TRUE(conn_->migrations()->run_teardown("core", "001_tokens"));
  st = conn_->migrations()->schema_state();
  EXPECT_EQ((**st)[0].executed, (std::vector<std::string>{"000_base", "001_tokens"}));
  EXPECT_TRUE((**st)[0].pending.empty());

  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(restrict_s_->insert(child_row(2, 1, "r"), ws_));
  ASSERT_TRUE(conn_->migrations()->reset());
  st = conn_->migrations()->schema_state();
  ASSERT_TRUE(st);
  EXPECT_FALSE(*st);
  EXPECT_FALSE(conn_->strategy_for(parents_));
}

TEST_F(SqliteTest, SqlMetacharactersRoundTrip) {
  const std::vector<std::string> nasty = {
      "'; DROP TABLE parents; --", "quote\"s and 'single' \\ back\\slash", "\x01\x7f\xff\xfe junk",
      "%_*?[]", "ünïcødé ☃"};
  int n = 1;
  for (const auto& s : nasty) {
    Value row = parent_row(n, s);
    row.as_object().set("meta", Value::object({{"a", s}}));
    auto r = parents_s_->insert(row, ws_);
    ASSERT_TRUE(r) << r.error().message;
    auto got = parents_s_->select_by_field("name", s, ws_);
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->find("name")->as_string(), s);
    ++n;
  }
  EXPECT_EQ(parents_s_->page(100, std::nullopt, ws_)->rows.size(), nasty.size());
}

TEST_F(SqliteTest, TransactionRollbackLeavesNothing) {
  auto r = conn_->transaction([&]() -> Result<void> {
    if (auto a = parents_s_->insert(parent_row(1, "a"), ws_); !a) return a.error();
    auto nested = conn_->transaction([&]() -> Result<void> {
      if (auto b = parents_s_->insert(parent_row(2, "b"), ws_); !b) return b.error();
      return {};
    });
    if (!nested) return nested;
    auto dup = parents_s_->insert(parent_row(3, "a"), ws_);  // unique violation
    if (!dup) return dup.error();
    return {};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::UniqueViolation);
  EXPECT_TRUE(parents_s_->page(10, std::nullopt, ws_)->rows.empty());
  // And a successful one commits everything.
  ASSERT_TRUE(conn_->transaction([&]() -> Result<void> {
    if (auto a = parents_s_->insert(parent_row(1, "a"), ws_); !a) return a.error();
    return {};
  }));
  EXPECT_EQ(parents_s_->page(10, std::nullopt, ws_)->rows.size(), 1u);
}

TEST_F(SqliteTest, TwoProcessesRaceForTheSameName) {
  conn_.reset();
  parents_s_.reset();
  pid_t kids[2];
  for (int k = 0; k < 2; ++k) {
    pid_t& kid = kids[k];
    kid = ::fork();
    ASSERT_GE(kid, 0);
    if (kid == 0) {
      auto c = open_sqlite({.path = path_});
      if (!c) ::_exit(3);
      auto s = (*c)->strategy_for(parents_);
      if (!s) ::_exit(3);
      auto r = (*s)->insert(parent_row(100 + k, "racer"), ws_);
      if (r) ::_exit(0);
      ::_exit(r.error().code == ErrorCode::UniqueViolation ? 1 : 2);
    }
  }
  int codes[2];
  for (int i = 0; i < 2; ++i) {
    int status = 0;
    ASSERT_EQ(::waitpid(kids[i], &status, 0), kids[i]);
    ASSERT_TRUE(WIFEXITED(status));
    codes[i] = WEXITSTATUS(status);
  }
  EXPECT_EQ(std::min(codes[0], codes[1]), 0);
  EXPECT_EQ(std::max(codes[0], codes[1]), 1);
}

}  // namespace
