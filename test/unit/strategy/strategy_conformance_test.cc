// The Strategy interface itself, below the DAO, on every backend: CRUD, keyset pages with
// offsets, page_for, tags and/or, ttl expiry and purge, the tags index, and the shape of the
// errors a strategy returns. A strategy bug cannot hide behind the DAO's own checks here.
//
// A backend joins with one entry in kBackends (name, how to open an empty connector, why it
// cannot run here). Cases that need a capability the backend does not declare are skipped.
// Written for kongdb.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "kongdb/core/ids.h"
#include "kongdb/schema/schema.h"
#include "kongdb/strategy/postgres.h"
#include "kongdb/strategy/sqlite.h"

using namespace kongdb;
using namespace kongdb::strategy;
using schema::Field;
using schema::Schema;

namespace {

// The server the KONG_PG_* variables name, read before main(): other suites in this binary
// (config) clear KONG_* variables.
const std::optional<PostgresOptions> kPostgres = []() -> std::optional<PostgresOptions> {
  const char* host = std::getenv("KONG_PG_HOST");
  if (!host || !*host) return std::nullopt;
  PostgresOptions o;
  o.host = host;
  if (const char* v = std::getenv("KONG_PG_PORT")) o.port = std::atoi(v);
  if (const char* v = std::getenv("KONG_PG_USER")) o.user = v;
  if (const char* v = std::getenv("KONG_PG_PASSWORD")) o.password = v;
  if (const char* v = std::getenv("KONG_PG_DATABASE")) o.database = v;
  o.pool_size = 2;
  return o;
}();

struct Backend {
  std::string name;
  /// Why the backend cannot run here; nullopt when it can.
  std::function<std::optional<std::string>()> unavailable;
  /// An empty connector whose ttl expiry follows `clock`, with its files under `dir`.
  std::function<Result<std::unique_ptr<Connector>>(Clock& clock, const std::string& dir)> open;
};

void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

const std::vector<Backend> kBackends = {
    {"sqlite", [] { return std::optional<std::string>(); },
     [](Clock& clock, const std::string& dir) {
       return open_sqlite({.path = dir + "/kong.db", .clock = &clock});
     }},
    {"postgres",
     []() -> std::optional<std::string> {
       if (kPostgres) return std::nullopt;
       return "KONG_PG_HOST is not set (run through scripts/with_postgres.sh)";
     },
     [](Clock& clock, const std::string&) -> Result<std::unique_ptr<Connector>> {
       static std::atomic<int> counter{0};
       PostgresOptions o = *kPostgres;
       o.schema = "kongdb_strategy_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
       o.clock = &clock;
       auto conn = open_postgres(o);
       if (!conn) return conn;
       // A leftover schema of the same name (pid reuse) would not be empty.
       if (auto r = (*conn)->reset(); !r) return r.error();
       return conn;
     }},
};

std::string uuid_n(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

Value id_of(const std::string& id) { return Value::object({{"id", id}}); }

constexpr const char* kWs = "11111111-1111-4111-8111-111111111111";
constexpr const char* kOtherWs = "22222222-2222-4222-8222-222222222222";

class StrategyConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (auto why = GetParam().unavailable()) GTEST_SKIP() << *why;
    auto base = std::filesystem::temp_directory_path() / "kongdb-strategy-XXXXXX";
    std::string pattern = base.string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;

    parents_.name = "parents";
    parents_.primary_key = {"id"};
    parents_.workspaceable = true;
    parents_.fields = {{"id", Field::string().uuid()},
                       {"name", Field::string().unique()},
                       {"port", Field::integer()},
                       {"weight", Field::number()},
                       {"enabled", Field::boolean()},
                       {"tags", Field::set(Field::string())},
                       {"meta", Field::record({{"a", Field::string()}})}};
    children_.name = "children";
    children_.primary_key = {"id"};
    children_.workspaceable = true;
    Field parent = Field::foreign("parents");
    parent.foreign_schema_ = &parents_;
    children_.fields = {{"id", Field::string().uuid()}, {"parent", parent}, {"label", Field::string()}};
    tokens_.name = "tokens";
    tokens_.primary_key = {"id"};
    tokens_.ttl = true;
    tokens_.fields = {{"id", Field::string().uuid()}, {"key", Field::string().unique()}};
    tags_.name = "tags";
    tags_.primary_key = {"entity_id"};
    tags_.fields = {{"entity_id", Field::string().uuid()}, {"entity_name", Field::string()}, {"tag", Field::string()}};

    auto conn = GetParam().open(clock_, dir_);
    ASSERT_TRUE(conn) << conn.error().to_string();
    conn_ = std::move(*conn);
    ASSERT_TRUE(conn_->bootstrap_meta());
    ASSERT_TRUE(conn_->run_up("core", "000_base", {&parents_, &children_, &tokens_, &tags_}, false));
    parents_s_ = open_strategy(parents_);
    children_s_ = open_strategy(children_);
    tokens_s_ = open_strategy(tokens_);
    tags_s_ = open_strategy(tags_);
  }

  void TearDown() override {
    parents_s_.reset();
    children_s_.reset();
    tokens_s_.reset();
    tags_s_.reset();
    if (conn_) (void)conn_->reset();
    conn_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Strategy> open_strategy(const Schema& s) {
    auto st = conn_->strategy_for(s);
    EXPECT_TRUE(st) << st.error().to_string();
    return st ? std::move(*st) : nullptr;
  }

  static Value parent_row(int n, const std::string& name, Value tags = Value::array({"a", "b"})) {
    return Value::object({{"id", uuid_n(n)}, {"name", name}, {"port", 80}, {"weight", 1.5},
                          {"enabled", true}, {"tags", std::move(tags)}, {"meta", Value::object({{"a", "x"}})}});
  }
  static Value child_row(int n, int parent, const std::string& label) {
    return Value::object({{"id", uuid_n(n)}, {"parent", id_of(uuid_n(parent))}, {"label", label}});
  }

  /// The ids of every row `next` pages out, following offsets; the number of pages in `pages`.
  static std::vector<std::string> walk(const std::function<Result<Page>(const std::optional<std::string>&)>& next,
                                       int* pages) {
    std::vector<std::string> ids;
    std::optional<std::string> offset;
    *pages = 0;
    do {
      auto page = next(offset);
      EXPECT_TRUE(page) << page.error().to_string();
      if (!page) break;
      ++*pages;
      for (const Value& row : page->rows) ids.push_back(row.find("id")->as_string());
      offset = page->offset;
    } while (offset && *pages < 100);
    return ids;
  }

  Capabilities caps() const { return conn_->capabilities(); }

  FixedClock clock_{1700000000.0};
  std::string dir_;
  Schema parents_, children_, tokens_, tags_;
  std::unique_ptr<Connector> conn_;
  std::unique_ptr<Strategy> parents_s_, children_s_, tokens_s_, tags_s_;
  QueryOptions ws_{.ws_id = kWs};
};

TEST_P(StrategyConformance, InsertReturnsTheStoredRowAndSelectReadsItBack) {
  auto inserted = parents_s_->insert(parent_row(1, "p1"), ws_);
  ASSERT_TRUE(inserted) << inserted.error().to_string();
  auto got = parents_s_->select(id_of(uuid_n(1)), ws_);
  ASSERT_TRUE(got && *got);
  const Value& v = **got;
  EXPECT_EQ(v, *inserted);
  EXPECT_EQ(*v.find("name"), Value("p1"));
  EXPECT_EQ(*v.find("port"), Value(80));
  EXPECT_TRUE(v.find("port")->is_integer());
  EXPECT_EQ(*v.find("weight"), Value(1.5));
  EXPECT_EQ(*v.find("enabled"), Value(true));
  EXPECT_EQ(*v.find("tags"), Value::array({"a", "b"}));
  EXPECT_EQ(*v.find("meta"), Value::object({{"a", "x"}}));
  EXPECT_EQ(*v.find("ws_id"), Value(kWs));
}

TEST_P(StrategyConformance, ReadsAreScopedToTheirWorkspace) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  EXPECT_FALSE(*parents_s_->select(id_of(uuid_n(1)), QueryOptions{.ws_id = kOtherWs}));
  EXPECT_TRUE(*parents_s_->select(id_of(uuid_n(1)), QueryOptions{}));  // every workspace
  EXPECT_FALSE(*parents_s_->select_by_field("name", "p1", QueryOptions{.ws_id = kOtherWs}));
  auto other = parents_s_->page(10, std::nullopt, QueryOptions{.ws_id = kOtherWs});
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->rows.empty());
  // The same unique name is free in another workspace.
  EXPECT_TRUE(parents_s_->insert(parent_row(2, "p1"), QueryOptions{.ws_id = kOtherWs}));
}

TEST_P(StrategyConformance, SelectByFieldFindsTheRowOrNothing) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  auto by = parents_s_->select_by_field("name", "p1", ws_);
  ASSERT_TRUE(by && *by);
  EXPECT_EQ(*(*by)->find("id"), Value(uuid_n(1)));
  auto none = parents_s_->select_by_field("name", "nobody", ws_);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_P(StrategyConformance, PagesWalkEveryRowInPrimaryKeyOrderFollowingOffsets) {
  for (int n : {5, 3, 7, 1, 6, 2, 4}) ASSERT_TRUE(parents_s_->insert(parent_row(n, "p" + std::to_string(n)), ws_));
  int pages = 0;
  auto ids = walk([&](const std::optional<std::string>& off) { return parents_s_->page(3, off, ws_); }, &pages);
  EXPECT_EQ(pages, 3);
  std::vector<std::string> expected;
  for (int n = 1; n <= 7; ++n) expected.push_back(uuid_n(n));
  EXPECT_EQ(ids, expected);
  // An exact fit leaves no offset on its last page.
  auto all = parents_s_->page(7, std::nullopt, ws_);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->rows.size(), 7u);
  EXPECT_FALSE(all->offset);
}

TEST_P(StrategyConformance, AnOffsetTheStrategyDidNotIssueIsInvalid) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  for (const char* token : {"not base64!", "bm90IGpzb24", "WyJub3QtYS11dWlkIl0"}) {  // "not json", ["not-a-uuid"]
    auto page = parents_s_->page(10, std::string(token), ws_);
    ASSERT_FALSE(page) << token;
    EXPECT_EQ(page.error().code, ErrorCode::InvalidOffset) << token;
    EXPECT_EQ(page.error().strategy, GetParam().name);
  }
}

TEST_P(StrategyConformance, PageForListsOnlyTheChildrenOfOneParent) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(2, "p2"), ws_));
  for (int n = 10; n < 15; ++n) ASSERT_TRUE(children_s_->insert(child_row(n, 1, "c"), ws_));
  ASSERT_TRUE(children_s_->insert(child_row(20, 2, "other"), ws_));
  int pages = 0;
  auto ids = walk(
      [&](const std::optional<std::string>& off) { return children_s_->page_for("parent", id_of(uuid_n(1)), 2, off, ws_); },
      &pages);
  EXPECT_EQ(pages, 3);
  std::vector<std::string> expected;
  for (int n = 10; n < 15; ++n) expected.push_back(uuid_n(n));
  EXPECT_EQ(ids, expected);
  auto child = children_s_->select(id_of(uuid_n(20)), ws_);
  ASSERT_TRUE(child && *child);
  EXPECT_EQ(*(*child)->find("parent"), id_of(uuid_n(2)));  // a foreign key reads back as {pk = v}
}

TEST_P(StrategyConformance, UpdateChangesOnlyTheGivenFieldsOfAnExistingRow) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  auto updated = parents_s_->update(id_of(uuid_n(1)), Value::object({{"port", 8080}}), ws_);
  ASSERT_TRUE(updated && *updated) << (updated ? "no row" : updated.error().to_string());
  EXPECT_EQ(*(*updated)->find("port"), Value(8080));
  EXPECT_EQ(*(*updated)->find("name"), Value("p1"));
  auto missing = parents_s_->update(id_of(uuid_n(2)), Value::object({{"port", 1}}), ws_);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  auto by_name = parents_s_->update_by_field("name", "p1", Value::object({{"enabled", false}}), ws_);
  ASSERT_TRUE(by_name && *by_name);
  EXPECT_EQ(*(*by_name)->find("enabled"), Value(false));
  EXPECT_EQ(*(*by_name)->find("port"), Value(8080));
}

TEST_P(StrategyConformance, UpsertInsertsThenReplacesTheWholeRow) {
  auto first = parents_s_->upsert(id_of(uuid_n(1)), parent_row(1, "p1"), ws_);
  ASSERT_TRUE(first) << first.error().to_string();
  Value changed = parent_row(1, "renamed");
  changed.as_object().set("port", 9);
  auto second = parents_s_->upsert(id_of(uuid_n(1)), changed, ws_);
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_EQ(*second->find("name"), Value("renamed"));
  EXPECT_EQ(*second->find("port"), Value(9));
  // By unique field: the existing row keeps its id.
  auto by_name = parents_s_->upsert_by_field("name", "renamed", parent_row(5, "ignored"), ws_);
  ASSERT_TRUE(by_name) << by_name.error().to_string();
  EXPECT_EQ(*by_name->find("id"), Value(uuid_n(1)));
  EXPECT_EQ(*by_name->find("name"), Value("renamed"));
  auto page = parents_s_->page(10, std::nullopt, ws_);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->rows.size(), 1u);
}

TEST_P(StrategyConformance, RemoveReportsWhetherARowWent) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(2, "p2"), ws_));
  EXPECT_TRUE(*parents_s_->remove(id_of(uuid_n(1)), ws_));
  EXPECT_FALSE(*parents_s_->remove(id_of(uuid_n(1)), ws_));
  EXPECT_FALSE(*parents_s_->remove_by_field("name", "p2", QueryOptions{.ws_id = kOtherWs}));
  EXPECT_TRUE(*parents_s_->remove_by_field("name", "p2", ws_));
  EXPECT_FALSE(*parents_s_->select(id_of(uuid_n(2)), ws_));
}

TEST_P(StrategyConformance, TagsFilterMatchesAnyOrEveryTag) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1", Value::array({"a", "b"})), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(2, "p2", Value::array({"a"})), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(3, "p3", Value::array({"b", "c"})), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(4, "p4", Value()), ws_));
  auto ids = [&](std::vector<std::string> tags, TagsCond cond) {
    QueryOptions o = ws_;
    o.tags = TagsFilter{std::move(tags), cond};
    auto page = parents_s_->page(10, std::nullopt, o);
    EXPECT_TRUE(page) << page.error().to_string();
    std::set<std::string> out;
    if (page) {
      for (const Value& r : page->rows) out.insert(r.find("id")->as_string());
    }
    return out;
  };
  EXPECT_EQ(ids({"a", "c"}, TagsCond::Or), (std::set<std::string>{uuid_n(1), uuid_n(2), uuid_n(3)}));
  EXPECT_EQ(ids({"a", "b"}, TagsCond::And), (std::set<std::string>{uuid_n(1)}));
  EXPECT_EQ(ids({"b"}, TagsCond::And), (std::set<std::string>{uuid_n(1), uuid_n(3)}));
  EXPECT_EQ(ids({"z"}, TagsCond::Or), (std::set<std::string>{}));
}

TEST_P(StrategyConformance, TheTagsIndexPagesEveryTaggedEntity) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1", Value::array({"a", "b"})), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(2, "p2", Value::array({"b"})), ws_));
  int pages = 0;
  std::vector<std::string> pairs;
  std::optional<std::string> offset;
  do {
    auto page = tags_s_->page(1, offset, QueryOptions{});
    ASSERT_TRUE(page) << page.error().to_string();
    for (const Value& r : page->rows) {
      pairs.push_back(r.find("entity_id")->as_string() + "/" + r.find("tag")->as_string() + "/" +
                      r.find("entity_name")->as_string());
    }
    offset = page->offset;
  } while (offset && ++pages < 10);
  EXPECT_EQ(pairs, (std::vector<std::string>{uuid_n(1) + "/a/parents", uuid_n(1) + "/b/parents",
                                             uuid_n(2) + "/b/parents"}));
  QueryOptions one_tag;
  one_tag.tags = TagsFilter{{"b"}, TagsCond::Or};
  auto carrying = tags_s_->page(10, std::nullopt, one_tag);
  ASSERT_TRUE(carrying);
  EXPECT_EQ(carrying->rows.size(), 2u);
  // Removing an entity takes it out of the index.
  ASSERT_TRUE(parents_s_->remove(id_of(uuid_n(1)), ws_));
  auto after = tags_s_->page(10, std::nullopt, one_tag);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->rows.size(), 1u);
  EXPECT_EQ(*after->rows[0].find("entity_id"), Value(uuid_n(2)));
  EXPECT_FALSE(tags_s_->insert(Value::object(), QueryOptions{}));  // read-only
}

TEST_P(StrategyConformance, ExpiredRowsAreHiddenUntilPurged) {
  QueryOptions ttl10;
  ttl10.ttl = 10;
  auto token = tokens_s_->insert(Value::object({{"id", uuid_n(1)}, {"key", "k1"}}), ttl10);
  ASSERT_TRUE(token) << token.error().to_string();
  EXPECT_EQ(*token->find("ttl"), Value(10));
  ASSERT_TRUE(tokens_s_->insert(Value::object({{"id", uuid_n(2)}, {"key", "k2"}}), QueryOptions{}));
  clock_.advance(4);
  auto alive = tokens_s_->select(id_of(uuid_n(1)), QueryOptions{});
  ASSERT_TRUE(alive && *alive);
  EXPECT_EQ(*(*alive)->find("ttl"), Value(6));
  clock_.advance(7);
  EXPECT_FALSE(*tokens_s_->select(id_of(uuid_n(1)), QueryOptions{}));
  EXPECT_FALSE(*tokens_s_->select_by_field("key", "k1", QueryOptions{}));
  auto page = tokens_s_->page(10, std::nullopt, QueryOptions{});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_TRUE(page->rows[0].find("ttl")->is_null());
  QueryOptions skip;
  skip.skip_ttl = true;
  EXPECT_TRUE(*tokens_s_->select(id_of(uuid_n(1)), skip));
  auto purged = conn_->purge_expired();
  ASSERT_TRUE(purged) << purged.error().to_string();
  EXPECT_EQ(*purged, 1);
  EXPECT_FALSE(*tokens_s_->select(id_of(uuid_n(1)), skip));
}

TEST_P(StrategyConformance, AUniqueViolationNamesTheFieldAndTheStrategy) {
  if (!caps().unique_constraints) GTEST_SKIP() << "the DAO enforces uniqueness on this backend";
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  auto dup = parents_s_->insert(parent_row(2, "p1"), ws_);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::UniqueViolation);
  EXPECT_EQ(dup.error().fields, Value::object({{"name", "p1"}}));
  EXPECT_EQ(dup.error().strategy, GetParam().name);
  auto same_pk = parents_s_->insert(parent_row(1, "other"), ws_);
  ASSERT_FALSE(same_pk);
  EXPECT_EQ(same_pk.error().code, ErrorCode::PrimaryKeyViolation);
  // A failed write leaves the table as it was.
  auto page = parents_s_->page(10, std::nullopt, ws_);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->rows.size(), 1u);
}

TEST_P(StrategyConformance, ForeignKeysRefuseMissingParentsAndRestrictDeletes) {
  if (!caps().foreign_keys) GTEST_SKIP() << "the DAO enforces foreign keys on this backend";
  auto orphan = children_s_->insert(child_row(10, 1, "c"), ws_);
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::ForeignKeyViolation);
  EXPECT_EQ(orphan.error().strategy, GetParam().name);
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(children_s_->insert(child_row(10, 1, "c"), ws_));
  auto restricted = parents_s_->remove(id_of(uuid_n(1)), ws_);
  ASSERT_FALSE(restricted);
  EXPECT_EQ(restricted.error().code, ErrorCode::ForeignKeyViolation);
  EXPECT_TRUE(*parents_s_->select(id_of(uuid_n(1)), ws_));
}

TEST_P(StrategyConformance, TruncateEmptiesTheTableAndItsChildren) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(children_s_->insert(child_row(10, 1, "c"), ws_));
  ASSERT_TRUE(parents_s_->truncate());
  auto parents = parents_s_->page(10, std::nullopt, QueryOptions{});
  auto children = children_s_->page(10, std::nullopt, QueryOptions{});
  ASSERT_TRUE(parents && children);
  EXPECT_TRUE(parents->rows.empty());
  EXPECT_TRUE(children->rows.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StrategyConformance, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
