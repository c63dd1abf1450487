// Unit tests of the memory strategy, driven directly through open_memory (no DAO), so that a
// strategy bug cannot hide behind the DAO's checks. Written for kongdb.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "kongdb/core/ids.h"
#include "kongdb/schema/schema.h"
#include "kongdb/strategy/memory.h"

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

class MemoryStrategyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    parents_.name = "parents";
    parents_.primary_key = {"id"};
    parents_.workspaceable = true;
    parents_.fields = {{"id", Field::string().uuid()},
                       {"name", Field::string().unique()},
                       {"weight", Field::number()},
                       {"tags", Field::set(Field::string())}};
    children_.name = "children";
    children_.primary_key = {"id"};
    Field fk = Field::foreign("parents");
    fk.on_delete("cascade");
    fk.foreign_schema_ = &parents_;
    children_.fields = {{"id", Field::string().uuid()}, {"parent", fk}};
    tokens_.name = "tokens";
    tokens_.primary_key = {"id"};
    tokens_.ttl = true;
    tokens_.fields = {{"id", Field::string()}, {"key", Field::string().unique()}};
    numbered_.name = "numbered";
    numbered_.primary_key = {"n"};
    numbered_.fields = {{"n", Field::integer()}};

    MemoryOptions opts;
    opts.clock = &clock_;
    auto conn = open_memory(opts);
    ASSERT_TRUE(conn);
    conn_ = std::move(*conn);
    parents_s_ = std::move(*conn_->strategy_for(parents_));
    children_s_ = std::move(*conn_->strategy_for(children_));
    tokens_s_ = std::move(*conn_->strategy_for(tokens_));
    numbered_s_ = std::move(*conn_->strategy_for(numbered_));
  }

  Value parent(int n, Value tags = Value()) {
    Value row = Value::object({{"id", uuid_n(n)}, {"name", "p" + std::to_string(n)}, {"weight", 1.0}});
    row.as_object().set("tags", std::move(tags));
    auto r = parents_s_->insert(row, ws_);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? *r : Value();
  }

  FixedClock clock_{1700000000.0};
  Schema parents_, children_, tokens_, numbered_;
  std::unique_ptr<Connector> conn_;
  std::unique_ptr<Strategy> parents_s_, children_s_, tokens_s_, numbered_s_;
  QueryOptions ws_{.ws_id = "ws-1"};
  QueryOptions none_;
};

TEST_F(MemoryStrategyTest, RowsComeBackWithEveryFieldTheWorkspaceAndIntegralNumbersAsIntegers) {
  Value row = parent(1);
  EXPECT_EQ(*row.find("weight"), Value(1));
  EXPECT_TRUE(row.find("tags")->is_null());
  EXPECT_EQ(*row.find("ws_id"), Value("ws-1"));
  auto other_ws = parents_s_->select(id_of(uuid_n(1)), QueryOptions{.ws_id = "ws-2"});
  ASSERT_TRUE(other_ws);
  EXPECT_FALSE(other_ws->has_value());
}

TEST_F(MemoryStrategyTest, PagesFollowThePrimaryKeyInSqlOrderWithOffsets) {
  for (int n : {10, 2, 33, 1}) ASSERT_TRUE(numbered_s_->insert(Value::object({{"n", n}}), none_));
  std::vector<int64_t> seen;
  std::optional<std::string> offset;
  do {
    auto page = numbered_s_->page(3, offset, none_);
    ASSERT_TRUE(page);
    for (const Value& r : page->rows) seen.push_back(r.find("n")->as_integer());
    offset = page->offset;
  } while (offset);
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 10, 33}));
}

TEST_F(MemoryStrategyTest, AForgedOffsetIsAnInvalidOffsetOfThisStrategy) {
  parent(1);
  auto page = parents_s_->page(10, std::string("bm90IGEgdG9rZW4"), ws_);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::InvalidOffset);
  EXPECT_EQ(page.error().strategy, "memory");
}

TEST_F(MemoryStrategyTest, TtlRowsShowRemainingSecondsAndDisappearWhenExpired) {
  ASSERT_TRUE(tokens_s_->insert(Value::object({{"id", "t1"}, {"key", "k1"}}), QueryOptions{.ttl = 10}));
  clock_.advance(4);
  auto live = tokens_s_->select(id_of("t1"), none_);
  ASSERT_TRUE(live && live->has_value());
  EXPECT_EQ(*(*live)->find("ttl"), Value(6));
  auto exported = tokens_s_->select(id_of("t1"), QueryOptions{.export_ttl = true});
  EXPECT_EQ(*(**exported).find("ttl"), Value(1700000010));
  clock_.advance(7);
  auto gone = tokens_s_->select(id_of("t1"), none_);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  auto kept = tokens_s_->select(id_of("t1"), QueryOptions{.skip_ttl = true});
  EXPECT_TRUE(kept && kept->has_value());
  auto purged = conn_->purge_expired();
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1);
}

TEST_F(MemoryStrategyTest, TagsFiltersAndOr) {
  parent(1, Value::array({"a"}));
  parent(2, Value::array({"a", "b"}));
  parent(3, Value::array({"b", "c"}));
  parent(4);
  auto names = [&](TagsCond cond, std::vector<std::string> tags) {
    QueryOptions o = ws_;
    o.tags = TagsFilter{std::move(tags), cond};
    std::vector<std::string> out;
    auto page = parents_s_->page(10, std::nullopt, o);
    EXPECT_TRUE(page);
    if (!page) return out;
    for (const Value& r : page->rows) out.push_back(r.find("name")->as_string());
    return out;
  };
  EXPECT_EQ(names(TagsCond::Or, {"a", "c"}), (std::vector<std::string>{"p1", "p2", "p3"}));
  EXPECT_EQ(names(TagsCond::And, {"a", "b"}), (std::vector<std::string>{"p2"}));
}

TEST_F(MemoryStrategyTest, PageForListsChildrenAndTruncatingTheParentEmptiesThem) {
  parent(1);
  parent(2);
  for (int n = 10; n < 13; ++n) {
    ASSERT_TRUE(children_s_->insert(Value::object({{"id", uuid_n(n)}, {"parent", id_of(uuid_n(n == 12 ? 2 : 1))}}),
                                    none_));
  }
  auto of_one = children_s_->page_for("parent", id_of(uuid_n(1)), 10, std::nullopt, none_);
  ASSERT_TRUE(of_one);
  EXPECT_EQ(of_one->rows.size(), 2u);
  ASSERT_TRUE(parents_s_->truncate());
  auto left = children_s_->page(10, std::nullopt, none_);
  ASSERT_TRUE(left);
  EXPECT_TRUE(left->rows.empty());
}

TEST_F(MemoryStrategyTest, AUniqueValueIsClaimedOnceAndOnlyItsOwnerReleasesIt) {
  UniqueKey key{"name", "ws-1", unique_value_text(Value("p1"))};
  EXPECT_EQ(*parents_s_->claim_unique(key, id_of(uuid_n(1))), ClaimOutcome::Acquired);
  EXPECT_EQ(*parents_s_->claim_unique(key, id_of(uuid_n(1))), ClaimOutcome::AlreadyOwned);
  EXPECT_EQ(*parents_s_->claim_unique(key, id_of(uuid_n(2))), ClaimOutcome::HeldByAnother);
  ASSERT_TRUE(parents_s_->release_unique(key, id_of(uuid_n(2))));
  EXPECT_EQ(*parents_s_->claim_unique(key, id_of(uuid_n(2))), ClaimOutcome::HeldByAnother);
  ASSERT_TRUE(parents_s_->release_unique(key, id_of(uuid_n(1))));
  EXPECT_EQ(*parents_s_->claim_unique(key, id_of(uuid_n(2))), ClaimOutcome::Acquired);
}

TEST_F(MemoryStrategyTest, SelectByAUniqueFieldGoesThroughTheClaims) {
  parent(1);
  // The DAO claims before it writes: without a claim the value is not indexed.
  auto unclaimed = parents_s_->select_by_field("name", Value("p1"), ws_);
  ASSERT_TRUE(unclaimed);
  EXPECT_FALSE(unclaimed->has_value());
  ASSERT_TRUE(parents_s_->claim_unique({"name", "ws-1", unique_value_text(Value("p1"))}, id_of(uuid_n(1))));
  auto found = parents_s_->select_by_field("name", Value("p1"), ws_);
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ(*(*found)->find("id"), Value(uuid_n(1)));
}

TEST_F(MemoryStrategyTest, TheFailureHookFailsTheWriteAndChangesNothing) {
  MemoryOptions opts;
  opts.before_write = [](std::string_view entity, std::string_view op) -> Result<void> {
    if (entity == "numbered" && op == "insert") return errors::database_error("injected");
    return {};
  };
  auto conn = open_memory(opts);
  ASSERT_TRUE(conn);
  auto numbered = std::move(*(*conn)->strategy_for(numbered_));
  auto r = numbered->insert(Value::object({{"n", 1}}), none_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().strategy, "memory");
  EXPECT_TRUE(numbered->page(10, std::nullopt, none_)->rows.empty());
}

}  // namespace
