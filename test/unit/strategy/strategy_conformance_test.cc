// The Strategy interface itself, below the DAO, on every backend: CRUD, keyset pages with
// offsets, page_for, tags and/or, ttl expiry and purge, the tags index, and the shape of the
// errors a strategy returns. A strategy bug cannot hide behind the DAO's own checks here.
//
// Backends come from the one list the DAO conformance suite uses (test/conformance/backends.h).
// Cases that need a capability the backend does not declare are skipped.
// Written for kongdb.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "kongdb/core/base64.h"
#include "kongdb/core/ids.h"
#include "kongdb/schema/schema.h"
#include "conformance/backends.h"
#include "unit/strategy/strategy_schemas.h"

using namespace kongdb;
using namespace kongdb::strategy;
using schema::Field;
using schema::Schema;
using strategy::testing::id_of;
using strategy::testing::uuid_n;

namespace {

constexpr const char* kWs = "11111111-1111-4111-8111-111111111111";
constexpr const char* kOtherWs = "22222222-2222-4222-8222-222222222222";

class StrategyConformance : public ::testing::TestWithParam<conformance::Backend> {
 protected:
  void SetUp() override {
    if (const auto& why = GetParam().unavailable) GTEST_SKIP() << *why;
    auto base = std::filesystem::temp_directory_path() / "kongdb-strategy-XXXXXX";
    std::string pattern = base.string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;

    parents_ = strategy::testing::parents_schema();
    // One child table per on_delete; the cascading one also has a composite cache key.
    restricts_ = strategy::testing::child_schema("restricts", nullptr, parents_);
    cascades_ = strategy::testing::child_schema("cascades", "cascade", parents_);
    cascades_.cache_key = {"parent", "label"};
    nullers_ = strategy::testing::child_schema("nullers", "null", parents_);
    tokens_ = strategy::testing::tokens_schema();
    tags_.name = "tags";
    tags_.primary_key = {"entity_id"};
    tags_.fields = {{"entity_id", Field::string().uuid()}, {"entity_name", Field::string()}, {"tag", Field::string()}};

    auto conn = GetParam().open(clock_, dir_);
    ASSERT_TRUE(conn) << conn.error().to_string();
    conn_ = std::move(*conn);
    // A backend with migrations creates its tables through them; one without has them at once.
    if (MigrationStore* meta = conn_->migrations()) {
      ASSERT_TRUE(meta->bootstrap_meta());
      ASSERT_TRUE(meta->run_up("core", "000_base", {&parents_, &restricts_, &cascades_, &nullers_, &tags_}, false));
      ASSERT_TRUE(meta->run_up("core", "001_tokens", {&tokens_}, true));
    }
    parents_s_ = open_strategy(parents_);
    restricts_s_ = open_strategy(restricts_);
    cascades_s_ = open_strategy(cascades_);
    nullers_s_ = open_strategy(nullers_);
    tokens_s_ = open_strategy(tokens_);
    tags_s_ = open_strategy(tags_);
  }

  void TearDown() override {
    parents_s_.reset();
    restricts_s_.reset();
    cascades_s_.reset();
    nullers_s_.reset();
    tokens_s_.reset();
    tags_s_.reset();
    if (conn_ && conn_->migrations()) (void)conn_->migrations()->reset();
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

  Capabilities caps() const { return conn_->capabilities(); }

  /// On a backend without unique constraints the DAO claims a unique value before it writes the
  /// row, and by-field reads find rows through those claims: cases that go by `name` claim it
  /// as the DAO would (a native backend needs nothing).
  void claim_name(int n, const std::string& name) {
    if (caps().unique_constraints) return;
    auto claimed = parents_s_->claim_unique({"name", kWs, unique_value_text(Value(name))}, id_of(uuid_n(n)));
    ASSERT_TRUE(claimed) << claimed.error().to_string();
    ASSERT_NE(*claimed, ClaimOutcome::HeldByAnother);
  }

  FixedClock clock_{1700000000.0};
  std::string dir_;
  Schema parents_, restricts_, cascades_, nullers_, tokens_, tags_;
  std::unique_ptr<Connector> conn_;
  std::unique_ptr<Strategy> parents_s_, restricts_s_, cascades_s_, nullers_s_, tokens_s_, tags_s_;
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
}

TEST_P(StrategyConformance, SelectByFieldFindsTheRowOrNothing) {
  claim_name(1, "p1");
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  auto by = parents_s_->select_by_field("name", "p1", ws_);
  ASSERT_TRUE(by && *by);
  EXPECT_EQ(*(*by)->find("id"), Value(uuid_n(1)));
  auto none = parents_s_->select_by_field("name", "nobody", ws_);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_P(StrategyConformance, ForeignKeysReadBackAsPrimaryKeyObjectsOrNull) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(restricts_s_->insert(child_row(10, 1, "c"), ws_));
  auto row = restricts_s_->select(id_of(uuid_n(10)), ws_);
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(*(*row)->find("parent"), id_of(uuid_n(1)));
  ASSERT_TRUE(restricts_s_->insert(Value::object({{"id", uuid_n(11)}, {"parent", Value()}, {"label", "o"}}), ws_));
  EXPECT_TRUE((*restricts_s_->select(id_of(uuid_n(11)), ws_))->find("parent")->is_null());
}

TEST_P(StrategyConformance, PagesWalkEveryRowInPrimaryKeyOrderFollowingOffsets) {
  for (int n : {5, 3, 7, 1, 6, 2, 4}) ASSERT_TRUE(parents_s_->insert(parent_row(n, "p" + std::to_string(n)), ws_));
  std::vector<std::string> seen;
  std::optional<std::string> offset;
  int pages = 0;
  do {
    auto page = parents_s_->page(3, offset, ws_);
    ASSERT_TRUE(page) << page.error().to_string();
    for (const Value& row : page->rows) seen.push_back(row.find("id")->as_string());
    // Kong's token: the last row's primary key, as a JSON array in unpadded base64.
    if (page->offset) {
      EXPECT_EQ(*page->offset, base64::encode("[\"" + seen.back() + "\"]"));
    }
    offset = page->offset;
  } while (offset && ++pages < 10);
  std::vector<std::string> expected;
  for (int n = 1; n <= 7; ++n) expected.push_back(uuid_n(n));
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, 2);  // three pages: two with an offset
  // An exact fit leaves no offset on its last page.
  auto all = parents_s_->page(7, std::nullopt, ws_);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->rows.size(), 7u);
  EXPECT_FALSE(all->offset);
}

TEST_P(StrategyConformance, AnOffsetTheStrategyDidNotIssueIsInvalid) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  auto bad64 = parents_s_->page(10, std::string("!!!not base64"), ws_);
  ASSERT_FALSE(bad64);
  EXPECT_EQ(bad64.error().code, ErrorCode::InvalidOffset);
  EXPECT_EQ(bad64.error().message, "'!!!not base64' is not a valid offset: bad base64 encoding");
  EXPECT_EQ(bad64.error().strategy, GetParam().name);
  const std::string junk = base64::encode("{not json");
  auto bad_json = parents_s_->page(10, junk, ws_);
  ASSERT_FALSE(bad_json);
  EXPECT_EQ(bad_json.error().message, "'" + junk + "' is not a valid offset: bad json encoding");
  // Not a key this table issued: not a UUID, a number, the wrong arity.
  for (std::string raw : {R"(["x' OR 1=1"])", R"([1])", R"(["a","b"])"}) {
    auto page = parents_s_->page(10, base64::encode(raw), ws_);
    ASSERT_FALSE(page) << raw;
    EXPECT_EQ(page.error().code, ErrorCode::InvalidOffset) << raw;
    EXPECT_EQ(page.error().strategy, GetParam().name) << raw;
  }
}

TEST_P(StrategyConformance, PageForListsOnlyTheChildrenOfOneParent) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(2, "p2"), ws_));
  for (int n = 10; n < 15; ++n) ASSERT_TRUE(restricts_s_->insert(child_row(n, 1, "c"), ws_));
  ASSERT_TRUE(restricts_s_->insert(child_row(20, 2, "other"), ws_));
  std::vector<std::string> seen;
  std::optional<std::string> offset;
  int pages = 0;
  do {
    auto page = restricts_s_->page_for("parent", id_of(uuid_n(1)), 2, offset, ws_);
    ASSERT_TRUE(page) << page.error().to_string();
    for (const Value& row : page->rows) seen.push_back(row.find("id")->as_string());
    offset = page->offset;
  } while (offset && ++pages < 10);
  std::vector<std::string> expected;
  for (int n = 10; n < 15; ++n) expected.push_back(uuid_n(n));
  EXPECT_EQ(seen, expected);
}

TEST_P(StrategyConformance, UpdateChangesOnlyTheGivenFieldsOfAnExistingRow) {
  claim_name(1, "p1");
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
  claim_name(1, "p1");
  auto first = parents_s_->upsert(id_of(uuid_n(1)), parent_row(1, "p1"), ws_);
  ASSERT_TRUE(first) << first.error().to_string();
  claim_name(1, "renamed");
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
  claim_name(1, "p1");
  claim_name(2, "p2");
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(2, "p2"), ws_));
  EXPECT_TRUE(*parents_s_->remove(id_of(uuid_n(1)), ws_));
  EXPECT_FALSE(*parents_s_->remove(id_of(uuid_n(1)), ws_));
  EXPECT_FALSE(*parents_s_->remove_by_field("name", "p2", QueryOptions{.ws_id = kOtherWs}));
  EXPECT_TRUE(*parents_s_->remove_by_field("name", "p2", ws_));
  EXPECT_FALSE(*parents_s_->select(id_of(uuid_n(2)), ws_));
}

TEST_P(StrategyConformance, TagsFilterMatchesAnyOrEveryTagAndPagesInsideTheMatches) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1", Value::array({"a"})), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(2, "p2", Value::array({"a", "b"})), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(3, "p3", Value::array({"b", "c"})), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(4, "p4", Value()), ws_));
  auto names = [&](std::vector<std::string> tags, TagsCond cond) {
    QueryOptions o = ws_;
    o.tags = TagsFilter{std::move(tags), cond};
    auto page = parents_s_->page(10, std::nullopt, o);
    EXPECT_TRUE(page) << page.error().to_string();
    std::set<std::string> out;
    if (page) {
      for (const Value& r : page->rows) out.insert(r.find("name")->as_string());
    }
    return out;
  };
  EXPECT_EQ(names({"a", "c"}, TagsCond::Or), (std::set<std::string>{"p1", "p2", "p3"}));
  EXPECT_EQ(names({"a", "b"}, TagsCond::And), (std::set<std::string>{"p2"}));
  EXPECT_EQ(names({"b"}, TagsCond::And), (std::set<std::string>{"p2", "p3"}));
  EXPECT_EQ(names({"a", "c"}, TagsCond::And), (std::set<std::string>{}));
  EXPECT_EQ(names({"z"}, TagsCond::Or), (std::set<std::string>{}));
  QueryOptions o = ws_;
  o.tags = TagsFilter{{"b"}, TagsCond::Or};
  auto first = parents_s_->page(1, std::nullopt, o);
  ASSERT_TRUE(first && first->offset);
  auto second = parents_s_->page(1, first->offset, o);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->rows.size(), 1u);
  EXPECT_EQ(*second->rows[0].find("name"), Value("p3"));
  EXPECT_FALSE(second->offset);
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

TEST_P(StrategyConformance, TtlRowsShowRemainingSecondsAndExpireUntilPurged) {
  auto token = tokens_s_->insert(Value::object({{"id", uuid_n(1)}, {"key", "k1"}}), QueryOptions{.ttl = 10});
  ASSERT_TRUE(token) << token.error().to_string();
  EXPECT_EQ(*token->find("ttl"), Value(10));
  ASSERT_TRUE(tokens_s_->insert(Value::object({{"id", uuid_n(2)}, {"key", "k2"}}), QueryOptions{}));
  clock_.advance(4);
  auto alive = tokens_s_->select(id_of(uuid_n(1)), QueryOptions{});
  ASSERT_TRUE(alive && *alive);
  EXPECT_EQ(*(*alive)->find("ttl"), Value(6));
  EXPECT_EQ(*(*tokens_s_->select(id_of(uuid_n(1)), QueryOptions{.export_ttl = true}))->find("ttl"),
            Value(1700000010));
  EXPECT_TRUE((*tokens_s_->select(id_of(uuid_n(2)), QueryOptions{}))->find("ttl")->is_null());

  clock_.advance(7);  // expired
  EXPECT_FALSE(*tokens_s_->select(id_of(uuid_n(1)), QueryOptions{}));
  EXPECT_FALSE(*tokens_s_->select_by_field("key", "k1", QueryOptions{}));
  EXPECT_EQ(tokens_s_->page(10, std::nullopt, QueryOptions{})->rows.size(), 1u);
  EXPECT_FALSE(*tokens_s_->update(id_of(uuid_n(1)), Value::object({{"key", "x"}}), QueryOptions{}));
  const QueryOptions skip{.skip_ttl = true};
  EXPECT_TRUE(*tokens_s_->select(id_of(uuid_n(1)), skip));
  EXPECT_EQ(tokens_s_->page(10, std::nullopt, skip)->rows.size(), 2u);

  auto purged = conn_->purge_expired();
  ASSERT_TRUE(purged) << purged.error().to_string();
  EXPECT_EQ(*purged, 1);
  EXPECT_FALSE(*tokens_s_->select(id_of(uuid_n(1)), skip));
  // An update with a ttl arms it on a row that had none.
  auto armed = tokens_s_->update(id_of(uuid_n(2)), Value::object(), QueryOptions{.ttl = 5});
  ASSERT_TRUE(armed && *armed);
  EXPECT_EQ(*(*armed)->find("ttl"), Value(5));
}

TEST_P(StrategyConformance, AUniqueViolationNamesTheFieldAndTheStrategy) {
  if (!caps().unique_constraints) GTEST_SKIP() << "the DAO enforces uniqueness on this backend";
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "dup"), ws_));
  auto dup = parents_s_->insert(parent_row(2, "dup"), ws_);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::UniqueViolation);
  EXPECT_EQ(dup.error().fields, Value::object({{"name", "dup"}}));
  EXPECT_EQ(dup.error().strategy, GetParam().name);
  EXPECT_EQ(dup.error().message, "UNIQUE violation detected on '{name=\"dup\"}'");
  // Unique per workspace: the same name in another workspace is free.
  EXPECT_TRUE(parents_s_->insert(parent_row(3, "dup"), QueryOptions{.ws_id = kOtherWs}));
  // An update into a taken name.
  ASSERT_TRUE(parents_s_->insert(parent_row(4, "other"), ws_));
  auto moved = parents_s_->update(id_of(uuid_n(4)), Value::object({{"name", "dup"}}), ws_);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, ErrorCode::UniqueViolation);
  EXPECT_EQ(moved.error().fields, Value::object({{"name", "dup"}}));
  // A failed write leaves the table as it was.
  EXPECT_EQ(parents_s_->page(10, std::nullopt, ws_)->rows.size(), 2u);
}

TEST_P(StrategyConformance, ACompositeCacheKeyViolationListsEveryCacheKeyField) {
  if (!caps().unique_constraints) GTEST_SKIP() << "the DAO enforces uniqueness on this backend";
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  const std::string cache_key = "cascades:" + uuid_n(1) + ":x";
  Value a = child_row(10, 1, "x");
  a.as_object().set("cache_key", cache_key);
  ASSERT_TRUE(cascades_s_->insert(a, ws_));
  Value b = child_row(11, 1, "x");
  b.as_object().set("cache_key", cache_key);
  auto dup = cascades_s_->insert(b, ws_);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::UniqueViolation);
  EXPECT_EQ(dup.error().fields, Value::object({{"parent", id_of(uuid_n(1))}, {"label", "x"}}));
  auto by = cascades_s_->select_by_field("cache_key", cache_key, ws_);
  ASSERT_TRUE(by && *by);
  EXPECT_EQ((*by)->find("cache_key"), nullptr);  // the hidden column is not returned
}

// The primary key is the strategy's own on every backend (the DAO claims only unique fields).
TEST_P(StrategyConformance, APrimaryKeyViolationNamesThePrimaryKey) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "a"), ws_));
  auto same_pk = parents_s_->insert(parent_row(1, "b"), ws_);
  ASSERT_FALSE(same_pk);
  EXPECT_EQ(same_pk.error().code, ErrorCode::PrimaryKeyViolation);
  EXPECT_EQ(same_pk.error().fields, id_of(uuid_n(1)));
  EXPECT_EQ(same_pk.error().strategy, GetParam().name);
}

TEST_P(StrategyConformance, AUniqueClaimBelongsToOneRowUntilItsOwnerReleasesIt) {
  if (caps().unique_constraints) GTEST_SKIP() << "this backend enforces uniqueness itself";
  const UniqueKey key{"name", kWs, unique_value_text(Value("p1"))};
  EXPECT_EQ(*parents_s_->claim_unique(key, id_of(uuid_n(1))), ClaimOutcome::Acquired);
  EXPECT_EQ(*parents_s_->claim_unique(key, id_of(uuid_n(1))), ClaimOutcome::AlreadyOwned);
  EXPECT_EQ(*parents_s_->claim_unique(key, id_of(uuid_n(2))), ClaimOutcome::HeldByAnother);
  ASSERT_TRUE(parents_s_->release_unique(key, id_of(uuid_n(2))));  // not its owner: it stays
  EXPECT_EQ(*parents_s_->claim_unique(key, id_of(uuid_n(2))), ClaimOutcome::HeldByAnother);
  ASSERT_TRUE(parents_s_->release_unique(key, id_of(uuid_n(1))));
  EXPECT_EQ(*parents_s_->claim_unique(key, id_of(uuid_n(2))), ClaimOutcome::Acquired);
  // Scoped by workspace: the same name in another workspace is another key.
  const UniqueKey elsewhere{"name", kOtherWs, key.value};
  EXPECT_EQ(*parents_s_->claim_unique(elsewhere, id_of(uuid_n(3))), ClaimOutcome::Acquired);
}

TEST_P(StrategyConformance, AReferenceToAMissingParentIsRefused) {
  if (!caps().foreign_keys) GTEST_SKIP() << "the DAO enforces foreign keys on this backend";
  auto orphan = restricts_s_->insert(child_row(10, 99, "c"), ws_);
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, ErrorCode::ForeignKeyViolation);
  EXPECT_EQ(orphan.error().fields, Value::object({{"parent", id_of(uuid_n(99))}}));
  EXPECT_EQ(orphan.error().message,
            "the foreign key '{id=\"" + uuid_n(99) + "\"}' does not reference an existing 'parents' entity.");
  EXPECT_EQ(orphan.error().strategy, GetParam().name);
}

TEST_P(StrategyConformance, DeletingAParentRestrictsCascadesOrNullsItsChildren) {
  if (!caps().foreign_keys) GTEST_SKIP() << "the DAO enforces foreign keys on this backend";
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(parents_s_->insert(parent_row(2, "p2"), ws_));
  ASSERT_TRUE(restricts_s_->insert(child_row(10, 1, "r"), ws_));
  ASSERT_TRUE(cascades_s_->insert(child_row(11, 2, "c"), ws_));
  ASSERT_TRUE(nullers_s_->insert(child_row(12, 2, "n"), ws_));

  auto refused = parents_s_->remove(id_of(uuid_n(1)), ws_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::ForeignKeyViolation);
  EXPECT_EQ(refused.error().fields, Value::object({{"@referenced_by", "restricts"}}));
  EXPECT_EQ(refused.error().message, "an existing 'restricts' entity references this 'parents' entity");
  EXPECT_TRUE(*parents_s_->select(id_of(uuid_n(1)), ws_));

  ASSERT_TRUE(*parents_s_->remove(id_of(uuid_n(2)), ws_));
  EXPECT_FALSE(*cascades_s_->select(id_of(uuid_n(11)), ws_));
  auto nulled = nullers_s_->select(id_of(uuid_n(12)), ws_);
  ASSERT_TRUE(nulled && *nulled);
  EXPECT_TRUE((*nulled)->find("parent")->is_null());
}

TEST_P(StrategyConformance, TruncateEmptiesTheTableAndItsChildren) {
  ASSERT_TRUE(parents_s_->insert(parent_row(1, "p1"), ws_));
  ASSERT_TRUE(restricts_s_->insert(child_row(10, 1, "c"), ws_));
  ASSERT_TRUE(parents_s_->truncate());
  EXPECT_TRUE(parents_s_->page(10, std::nullopt, QueryOptions{})->rows.empty());
  // Children go with their table where the backend keeps foreign keys (Kong's TRUNCATE CASCADE).
  if (caps().foreign_keys) {
    EXPECT_TRUE(restricts_s_->page(10, std::nullopt, QueryOptions{})->rows.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StrategyConformance, ::testing::ValuesIn(conformance::backends()),
                         conformance::BackendName);

}  // namespace
