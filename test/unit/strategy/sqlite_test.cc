// Unit tests of the SQLite strategy, driven directly through open_sqlite (no DAO).
// Written for kongdb.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

#include "kongdb/core/base64.h"
#include "kongdb/core/ids.h"
#include "kongdb/schema/schema.h"
#include "kongdb/strategy/sqlite.h"

using namespace kongdb;
using namespace kongdb::strategy;
using schema::Field;
using schema::Schema;

namespace {

std::string uuid_n(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

Value id_of(const std::string& id) { return Value::object({{"id", id}}); }

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kongdb-sqlite-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "kong.db").string();

    parents_.name = "parents";
    parents_.primary_key = {"id"};
    parents_.workspaceable = true;
    parents_.fields = {{"id", Field::string()},
                       {"name", Field::string().unique()},
                       {"port", Field::integer()},
                       {"weight", Field::number()},
                       {"enabled", Field::boolean()},
                       {"tags", Field::set(Field::string())},
                       {"meta", Field::record({{"a", Field::string()}})}};

    auto child = [&](const char* name, const char* on_delete) {
      Schema s;
      s.name = name;
      s.primary_key = {"id"};
      s.workspaceable = true;
      Field fk = Field::foreign("parents");
      if (on_delete) fk.on_delete(on_delete);
      fk.foreign_schema_ = &parents_;
      s.fields = {{"id", Field::string()}, {"parent", fk}, {"label", Field::string()}};
      return s;
    };
    cascade_ = child("cascades", "cascade");
    restrict_ = child("restricts", nullptr);
    nulls_ = child("nullers", "null");
    cascade_.cache_key = {"parent", "label"};
    cascade_.fields.push_back({"label2", Field::string()});

    tokens_.name = "tokens";
    tokens_.primary_key = {"id"};
    tokens_.ttl = true;
    tokens_.fields = {{"id", Field::string()}, {"key", Field::string().unique()}};

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

TEST_F(SqliteTest, InsertSelectRoundTripsTypes) {
  auto r = parents_s_->insert(parent_row(1, "p1"), ws_);
  ASSERT_TRUE(r) << r.error().message;
  auto got = parents_s_->select(id_of(uuid_n(1)), ws_);
  ASSERT_TRUE(got && *got);
  const Value& v = **got;
  EXPECT_EQ(*v.find("name"), Value("p1"));
  EXPECT_TRUE(v.find("port")->is_integer());
  EXPECT_EQ(*v.find("weight"), Value(1.5));
  EXPECT_EQ(*v.find("enabled"), Value(true));
  EXPECT_EQ(*v.find("tags"), Value::array({"a", "b"}));
  EXPECT_EQ(*v.find("meta"), Value::object({{"a", "x"}}));
  EXPECT_EQ(*v.find("ws_id"), Value("ws-1"));
  EXPECT_EQ(v, *r);
  // Other workspace: invisible; no workspace: visible.
  EXPECT_FALSE(*parents_s_->select(id_of(uuid_n(1)), QueryOptions{.ws_id = "ws-2"}));
  EXPECT_TRUE(*parents_s_->select(id_of(uuid_n(1)), none_));
  auto by = parents_s_->select_by_field("name", "p1", ws_);
  ASSERT_TRUE(by && *by);
  EXPECT_EQ(*(*by)->find("id"), Value(uuid_n(1)));
}

TEST_F(SqliteTest, ForeignValuesComeBackAsPkObjects) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(restrict_s_->insert(child_row(10, 1, "c"), ws_));
  auto row = restrict_s_->select(id_of(uuid_n(10)), ws_);
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(*(*row)->find("parent"), id_of(uuid_n(1)));
  auto orphan = Value::object({{"id", uuid_n(11)}, {"parent", Value()}, {"label", "o"}});
  ASSERT_TRUE(restrict_s_->insert(orphan, ws_));
  EXPECT_TRUE((*restrict_s_->select(id_of(uuid_n(11)), ws_))->find("parent")->is_null());
}

TEST_F(SqliteTest, UpdateIsPartialAndMissingRowIsNullopt) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  auto u = parents_s_->update(id_of(uuid_n(1)), Value::object({{"port", 8080}}), ws_);
  ASSERT_TRUE(u && *u);
  EXPECT_EQ(*(*u)->find("port"), Value(8080));
  EXPECT_EQ(*(*u)->find("name"), Value("p1"));
  auto missing = parents_s_->update(id_of(uuid_n(2)), Value::object({{"port", 1}}), ws_);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  auto byf = parents_s_->update_by_field("name", "p1", Value::object({{"enabled", false}}), ws_);
  ASSERT_TRUE(byf && *byf);
  EXPECT_EQ(*(*byf)->find("enabled"), Value(false));
}

TEST_F(SqliteTest, UpsertAndUpsertByField) {
  auto a = parents_s_->upsert(id_of(uuid_n(1)), parent_row(1, "p1"), ws_);
  ASSERT_TRUE(a) << a.error().message;
  Value changed = parent_row(1, "p1-renamed");
  changed.as_object().set("port", 9);
  auto b = parents_s_->upsert(id_of(uuid_n(1)), changed, ws_);
  ASSERT_TRUE(b);
  EXPECT_EQ(*b->find("name"), Value("p1-renamed"));
  EXPECT_EQ(*b->find("port"), Value(9));
  // By field: same name keeps the existing row's id.
  auto c = parents_s_->upsert_by_field("name", "p1-renamed", parent_row(5, "ignored"), ws_);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(*c->find("id"), Value(uuid_n(1)));
  EXPECT_EQ(*c->find("name"), Value("p1-renamed"));
  auto page = parents_s_->page(10, std::nullopt, ws_);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->rows.size(), 1u);
}

TEST_F(SqliteTest, RemoveReportsWhetherARowWent) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(2, "p2"), ws_));
  EXPECT_TRUE(*parents_s_->remove(id_of(uuid_n(1)), ws_));
  EXPECT_FALSE(*parents_s_->remove(id_of(uuid_n(1)), ws_));
  EXPECT_FALSE(*parents_s_->remove_by_field("name", "p2", QueryOptions{.ws_id = "ws-2"}));
  EXPECT_TRUE(*parents_s_->remove_by_field("name", "p2", ws_));
}

TEST_F(SqliteTest, UniqueViolationNamesTheField) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "dup"), ws_));
  auto r = parents_s_->insert(parent_row(2, "dup"), ws_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::UniqueViolation);
  EXPECT_EQ(r.error().fields, Value::object({{"name", "dup"}}));
  EXPECT_EQ(r.error().strategy, "sqlite");
  EXPECT_EQ(r.error().message, "UNIQUE violation detected on '{name=\"dup\"}'");
  // Per workspace: the same name in another workspace is fine.
  EXPECT_TRUE(parents_s_->insert(parent_row(3, "dup"), QueryOptions{.ws_id = "ws-2"}));
  // Update into a taken name.
  ASSERT_TRUE(parents_s_->insert(parent_row(4, "other"), ws_));
  auto u = parents_s_->update(id_of(uuid_n(4)), Value::object({{"name", "dup"}}), ws_);
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().code, ErrorCode::UniqueViolation);
  EXPECT_EQ(u.error().fields, Value::object({{"name", "dup"}}));
}

TEST_F(SqliteTest, CompositeCacheKeyViolationListsAllFields) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  Value a = child_row(10, 1, "x");
  a.as_object().set("cache_key", "cascades:" + uuid_n(1) + ":x");
  ASSERT_TRUE(cascade_s_->insert(a, ws_));
  Value b = child_row(11, 1, "x");
  b.as_object().set("cache_key", "cascades:" + uuid_n(1) + ":x");
  auto r = cascade_s_->insert(b, ws_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::UniqueViolation);
  EXPECT_EQ(r.error().fields, Value::object({{"parent", id_of(uuid_n(1))}, {"label", "x"}}));
  auto by = cascade_s_->select_by_field("cache_key", "cascades:" + uuid_n(1) + ":x", ws_);
  ASSERT_TRUE(by && *by);
  EXPECT_EQ((*by)->find("cache_key"), nullptr);  // hidden column is not returned
}

TEST_F(SqliteTest, PrimaryKeyViolation) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "a"), ws_));
  auto r = parents_s_->insert(parent_row(1, "b"), ws_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::PrimaryKeyViolation);
  EXPECT_EQ(r.error().fields, id_of(uuid_n(1)));
  EXPECT_EQ(r.error().strategy, "sqlite");
}

TEST_F(SqliteTest, ForeignKeyToNowhere) {
  auto r = restrict_s_->insert(child_row(10, 99, "c"), ws_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ForeignKeyViolation);
  EXPECT_EQ(r.error().fields, Value::object({{"parent", id_of(uuid_n(99))}}));
  EXPECT_EQ(r.error().message, "the foreign key '{id=\"" + uuid_n(99) +
                                   "\"}' does not reference an existing 'parents' entity.");
}

TEST_F(SqliteTest, OnDeleteRestrictCascadeNull) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(2, "p2"), ws_));
  ASSERT_TRUE(restrict_s_->insert(child_row(10, 1, "r"), ws_));
  ASSERT_TRUE(cascade_s_->insert(child_row(11, 2, "c"), ws_));
  ASSERT_TRUE(nulls_s_->insert(child_row(12, 2, "n"), ws_));

  auto refused = parents_s_->remove(id_of(uuid_n(1)), ws_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::ForeignKeyViolation);
  EXPECT_EQ(refused.error().fields, Value::object({{"@referenced_by", "restricts"}}));
  EXPECT_EQ(refused.error().message, "an existing 'restricts' entity references this 'parents' entity");
  EXPECT_TRUE(*parents_s_->select(id_of(uuid_n(1)), ws_));

  ASSERT_TRUE(*parents_s_->remove(id_of(uuid_n(2)), ws_));
  EXPECT_FALSE(*cascade_s_->select(id_of(uuid_n(11)), ws_));
  auto nulled = nulls_s_->select(id_of(uuid_n(12)), ws_);
  ASSERT_TRUE(nulled && *nulled);
  EXPECT_TRUE((*nulled)->find("parent")->is_null());
}

TEST_F(SqliteTest, PaginationAcrossManyPages) {
  for (int i = 1; i <= 25; ++i) ASSERT_TRUE(parents_s_->insert(parent_row(i, "p" + std::to_string(i)), ws_));
  std::optional<std::string> offset;
  std::vector<std::string> seen;
  int pages = 0;
  do {
    auto p = parents_s_->page(10, offset, ws_);
    ASSERT_TRUE(p) << p.error().message;
    for (const auto& r : p->rows) seen.push_back(r.find("id")->as_string());
    if (p->offset) {
      EXPECT_EQ(*p->offset, base64::encode("[\"" + seen.back() + "\"]"));
    }
    offset = p->offset;
    ++pages;
  } while (offset);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 25u);
  for (int i = 1; i <= 25; ++i) EXPECT_EQ(seen[static_cast<size_t>(i - 1)], uuid_n(i));
  // Exactly one full page: no offset.
  auto all = parents_s_->page(25, std::nullopt, ws_);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->rows.size(), 25u);
  EXPECT_FALSE(all->offset);
}

TEST_F(SqliteTest, ForgedOffsets) {
  auto bad64 = parents_s_->page(10, std::string("!!!not base64"), ws_);
  ASSERT_FALSE(bad64);
  EXPECT_EQ(bad64.error().code, ErrorCode::InvalidOffset);
  EXPECT_EQ(bad64.error().message, "'!!!not base64' is not a valid offset: bad base64 encoding");
  std::string junk = base64::encode("{not json");
  auto badjson = parents_s_->page(10, junk, ws_);
  ASSERT_FALSE(badjson);
  EXPECT_EQ(badjson.error().message, "'" + junk + "' is not a valid offset: bad json encoding");
  EXPECT_EQ(badjson.error().strategy, "sqlite");
  auto wrong_shape = parents_s_->page(10, base64::encode("[1,2]"), ws_);
  ASSERT_FALSE(wrong_shape);
  EXPECT_EQ(wrong_shape.error().code, ErrorCode::InvalidOffset);
}

TEST_F(SqliteTest, PageForForeignKey) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(2, "p2"), ws_));
  for (int i = 10; i < 15; ++i) ASSERT_TRUE(restrict_s_->insert(child_row(i, 1, "c"), ws_));
  ASSERT_TRUE(restrict_s_->insert(child_row(20, 2, "c"), ws_));
  auto p = restrict_s_->page_for("parent", id_of(uuid_n(1)), 3, std::nullopt, ws_);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rows.size(), 3u);
  ASSERT_TRUE(p->offset);
  auto p2 = restrict_s_->page_for("parent", id_of(uuid_n(1)), 3, p->offset, ws_);
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->rows.size(), 2u);
  EXPECT_FALSE(p2->offset);
}

TEST_F(SqliteTest, TagsAndOr) {
  auto with_tags = [&](int n, Value tags) {
    Value r = parent_row(n, "t" + std::to_string(n));
    r.as_object().set("tags", std::move(tags));
    ASSERT_TRUE(parents_s_->insert(r, ws_));
  };
  with_tags(1, Value::array({"a"}));
  with_tags(2, Value::array({"a", "b"}));
  with_tags(3, Value::array({"b", "c"}));
  with_tags(4, Value());
  auto ids = [&](TagsCond cond, std::vector<std::string> tags) {
    QueryOptions o = ws_;
    o.tags = TagsFilter{std::move(tags), cond};
    auto p = parents_s_->page(100, std::nullopt, o);
    EXPECT_TRUE(p);
    std::set<std::string> out;
    for (const auto& r : p->rows) out.insert(r.find("name")->as_string());
    return out;
  };
  EXPECT_EQ(ids(TagsCond::Or, {"a", "c"}), (std::set<std::string>{"t1", "t2", "t3"}));
  EXPECT_EQ(ids(TagsCond::And, {"a", "b"}), (std::set<std::string>{"t2"}));
  EXPECT_EQ(ids(TagsCond::And, {"b"}), (std::set<std::string>{"t2", "t3"}));
  EXPECT_EQ(ids(TagsCond::Or, {"zzz"}), (std::set<std::string>{}));
  // Paging with a tag filter: offsets continue inside the filtered set.
  QueryOptions o = ws_;
  o.tags = TagsFilter{{"b"}, TagsCond::Or};
  auto p1 = parents_s_->page(1, std::nullopt, o);
  ASSERT_TRUE(p1 && p1->offset);
  auto p2 = parents_s_->page(1, p1->offset, o);
  ASSERT_TRUE(p2);
  EXPECT_EQ(*p2->rows[0].find("name"), Value("t3"));
  EXPECT_FALSE(p2->offset);
}

TEST_F(SqliteTest, TtlExpirySkipTtlExportAndPurge) {
  QueryOptions ttl10{.ttl = 10};
  auto r = tokens_s_->insert(Value::object({{"id", uuid_n(1)}, {"key", "k1"}}), ttl10);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r->find("ttl"), Value(10));
  ASSERT_TRUE(tokens_s_->insert(Value::object({{"id", uuid_n(2)}, {"key", "k2"}}), none_));
  clock_->advance(4);
  auto got = tokens_s_->select(id_of(uuid_n(1)), none_);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(*(*got)->find("ttl"), Value(6));
  QueryOptions exp{.export_ttl = true};
  EXPECT_EQ(*(*tokens_s_->select(id_of(uuid_n(1)), exp))->find("ttl"), Value(1700000010));
  EXPECT_TRUE((*tokens_s_->select(id_of(uuid_n(2)), none_))->find("ttl")->is_null());

  clock_->advance(7);  // expired
  EXPECT_FALSE(*tokens_s_->select(id_of(uuid_n(1)), none_));
  EXPECT_FALSE(*tokens_s_->select_by_field("key", "k1", none_));
  EXPECT_EQ(tokens_s_->page(10, std::nullopt, none_)->rows.size(), 1u);
  EXPECT_FALSE(*tokens_s_->update(id_of(uuid_n(1)), Value::object({{"key", "x"}}), none_));
  QueryOptions skip{.skip_ttl = true};
  EXPECT_TRUE(*tokens_s_->select(id_of(uuid_n(1)), skip));
  EXPECT_EQ(tokens_s_->page(10, std::nullopt, skip)->rows.size(), 2u);

  auto purged = conn_->purge_expired();
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1);
  EXPECT_FALSE(*tokens_s_->select(id_of(uuid_n(1)), skip));
  // ttl 0 = forever; update with ttl re-arms.
  auto u = tokens_s_->update(id_of(uuid_n(2)), Value::object(), QueryOptions{.ttl = 5});
  ASSERT_TRUE(u && *u);
  EXPECT_EQ(*(*u)->find("ttl"), Value(5));
}

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

TEST_F(SqliteTest, TruncateCascadesToChildren) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(restrict_s_->insert(child_row(10, 1, "r"), ws_));
  ASSERT_TRUE(parents_s_->truncate());
  EXPECT_TRUE(parents_s_->page(10, std::nullopt, none_)->rows.empty());
  EXPECT_TRUE(restrict_s_->page(10, std::nullopt, none_)->rows.empty());
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
