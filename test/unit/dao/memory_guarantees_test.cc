// Kong's guarantees on the memory backend, which declares no capabilities: the DAO's unique
// claims under concurrent writers, failed writes leaving every index as it was (failures
// injected through MemoryOptions::before_write), and readers never seeing half a write.
// Written for kongdb.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kongdb/core/error.h"
#include "kongdb/core/ids.h"
#include "kongdb/dao/db.h"
#include "kongdb/schema/registry.h"
#include "kongdb/strategy/memory.h"

using namespace kongdb;

namespace {

// DAOs running on many threads share the DB's id generator.
class LockedIds final : public IdGenerator {
 public:
  std::string uuid() override {
    std::lock_guard lock(mutex_);
    return ids_.uuid();
  }
  std::string random_string() override {
    std::lock_guard lock(mutex_);
    return ids_.random_string();
  }

 private:
  std::mutex mutex_;
  SequentialIds ids_;
};

Value id_of(const Value& entity) { return Value::object({{"id", *entity.find("id")}}); }

class MemoryGuarantees : public ::testing::Test {
 protected:
  void SetUp() override {
    strategy::MemoryOptions opts;
    opts.clock = &clock_;
    opts.before_write = [this](std::string_view entity, std::string_view operation) -> Result<void> {
      if (entity != fail_entity_ || operation != fail_operation_) return {};
      if (--fail_countdown_ != 0) return {};
      return errors::database_error("injected failure");
    };
    auto conn = strategy::open_memory(opts);
    ASSERT_TRUE(conn);
    auto registry = std::make_shared<schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
    auto db = dao::DB::create(std::move(*conn), registry, dao::DBOptions{&clock_, &ids_});
    ASSERT_TRUE(db) << db.error().to_string();
    db_ = std::move(*db);
  }

  /// The `nth` write `operation` of `entity` from now on fails with DATABASE_ERROR.
  void fail(std::string entity, std::string operation, int nth = 1) {
    fail_entity_ = std::move(entity);
    fail_operation_ = std::move(operation);
    fail_countdown_ = nth;
  }
  void stop_failing() { fail_entity_.clear(); }

  Value insert_ok(std::string_view entity, const Value& row) {
    auto r = (*db_)[entity].insert(row);
    EXPECT_TRUE(r) << entity << ": " << r.error().to_string();
    return r ? *r : Value();
  }

  size_t count(std::string_view entity) {
    auto page = (*db_)[entity].page(dao::kMaxPageSize);
    EXPECT_TRUE(page);
    return page ? page->rows.size() : 0;
  }

  FixedClock clock_{1700000000.0};
  LockedIds ids_;
  std::unique_ptr<dao::DB> db_;
  std::string fail_entity_, fail_operation_;
  int fail_countdown_ = 0;
};

TEST_F(MemoryGuarantees, DeclaresNoCapabilitiesAndNoMigrations) {
  strategy::Capabilities caps = db_->connector().capabilities();
  EXPECT_FALSE(caps.transactions);
  EXPECT_FALSE(caps.foreign_keys);
  EXPECT_FALSE(caps.unique_constraints);
  EXPECT_EQ(db_->connector().migrations(), nullptr);
}

TEST_F(MemoryGuarantees, OfAHundredThreadsInsertingOneNameExactlyOneWins) {
  constexpr int kThreads = 100;
  std::atomic<int> won{0};
  std::vector<Error> lost(kThreads);
  std::vector<bool> failed(kThreads, false);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto r = (*db_)["services"].insert(
          Value::object({{"name", "contended"}, {"host", "host" + std::to_string(i) + ".example.com"}}));
      if (r) {
        ++won;
      } else {
        failed[i] = true;
        lost[i] = r.error();
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();

  EXPECT_EQ(won.load(), 1);
  int violations = 0;
  for (int i = 0; i < kThreads; ++i) {
    if (!failed[i]) continue;
    EXPECT_EQ(lost[i].code, ErrorCode::UniqueViolation) << lost[i].to_string();
    EXPECT_EQ(lost[i].message, R"(UNIQUE violation detected on '{name="contended"}')");
    EXPECT_EQ(lost[i].fields, Value::object({{"name", "contended"}}));
    EXPECT_EQ(lost[i].strategy, "memory");
    ++violations;
  }
  EXPECT_EQ(violations, kThreads - 1);
  EXPECT_EQ(count("services"), 1u);
}

TEST_F(MemoryGuarantees, AFailedInsertLeavesItsUniqueValuesFree) {
  fail("services", "insert");
  auto r = (*db_)["services"].insert(Value::object({{"name", "s1"}, {"host", "example.com"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::DatabaseError);
  EXPECT_EQ(count("services"), 0u);
  auto none = (*db_)["services"].select_by("name", Value("s1"));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  stop_failing();
  insert_ok("services", Value::object({{"name", "s1"}, {"host", "example.com"}}));
}

TEST_F(MemoryGuarantees, AFailedUpdateKeepsTheOldValueAndFreesTheNewOne) {
  Value s = insert_ok("services", Value::object({{"name", "old"}, {"host", "example.com"}}));
  fail("services", "update");
  auto r = (*db_)["services"].update(id_of(s), Value::object({{"name", "new"}}));
  ASSERT_FALSE(r);
  stop_failing();

  auto same = (*db_)["services"].select_by("name", Value("old"));
  ASSERT_TRUE(same && same->has_value());
  EXPECT_EQ(*(*same)->find("id"), *s.find("id"));
  auto taken = (*db_)["services"].insert(Value::object({{"name", "old"}, {"host", "example.com"}}));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::UniqueViolation);
  insert_ok("services", Value::object({{"name", "new"}, {"host", "example.com"}}));
}

TEST_F(MemoryGuarantees, AnUpdateMovesItsUniqueValue) {
  Value s = insert_ok("services", Value::object({{"name", "before"}, {"host", "example.com"}}));
  ASSERT_TRUE((*db_)["services"].update(id_of(s), Value::object({{"name", "after"}})));
  insert_ok("services", Value::object({{"name", "before"}, {"host", "example.com"}}));
  auto taken = (*db_)["services"].insert(Value::object({{"name", "after"}, {"host", "example.com"}}));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::UniqueViolation);
}

TEST_F(MemoryGuarantees, AnInsertReferencingAMissingParentFailsAndClaimsNothing) {
  Value route = Value::object({{"name", "r1"}, {"paths", Value(Array{Value("/")})}});
  route.as_object().set("service", Value::object({{"id", "7d9e5f3a-1b2c-4d5e-8f90-123456789abc"}}));
  auto r = (*db_)["routes"].insert(route);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ForeignKeyViolation);
  EXPECT_EQ(count("routes"), 0u);
  Value s = insert_ok("services", Value::object({{"name", "s1"}, {"host", "example.com"}}));
  route.as_object().set("service", id_of(s));
  insert_ok("routes", route);
}

class FailedCascade : public MemoryGuarantees {
 protected:
  void SetUp() override {
    MemoryGuarantees::SetUp();
    consumer_ = insert_ok("consumers", Value::object({{"username", "alice"}}));
    insert_ok("plugins", Value::object({{"name", "rate-limiting"},
                                        {"consumer", id_of(consumer_)},
                                        {"config", Value::object({{"minute", 10}})}}));
    insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(consumer_)}, {"key", "k1"}}));
    insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(consumer_)}, {"key", "k2"}}));
  }

  // Everything is as before the failed delete: rows, children index, unique values.
  void expect_untouched() {
    EXPECT_EQ(count("consumers"), 1u);
    auto plugins = (*db_)["plugins"].page_for("consumer", id_of(consumer_));
    ASSERT_TRUE(plugins);
    EXPECT_EQ(plugins->rows.size(), 1u);
    EXPECT_EQ(count("keyauth_credentials"), 2u);
    auto children = (*db_)["keyauth_credentials"].page_for("consumer", id_of(consumer_));
    ASSERT_TRUE(children);
    EXPECT_EQ(children->rows.size(), 2u);
    for (const char* key : {"k1", "k2"}) {
      auto found = (*db_)["keyauth_credentials"].select_by("key", Value(key));
      ASSERT_TRUE(found && found->has_value()) << key;
      auto dup = (*db_)["keyauth_credentials"].insert(
          Value::object({{"consumer", id_of(consumer_)}, {"key", key}}));
      ASSERT_FALSE(dup) << key;
      EXPECT_EQ(dup.error().code, ErrorCode::UniqueViolation);
    }
    auto alice = (*db_)["consumers"].select_by("username", Value("alice"));
    ASSERT_TRUE(alice && alice->has_value());
    auto same_scope = (*db_)["plugins"].insert(Value::object(
        {{"name", "rate-limiting"}, {"consumer", id_of(consumer_)}, {"config", Value::object({{"minute", 5}})}}));
    ASSERT_FALSE(same_scope);
    EXPECT_EQ(same_scope.error().code, ErrorCode::UniqueViolation);
  }

  Value consumer_;
};

TEST_F(FailedCascade, AFailureMidwayThroughTheChildrenPutsBackThoseAlreadyDeleted) {
  fail("keyauth_credentials", "delete", 2);
  auto r = (*db_)["consumers"].remove(id_of(consumer_));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::DatabaseError);
  stop_failing();
  expect_untouched();
}

TEST_F(FailedCascade, AFailureDeletingTheParentPutsBackEveryChild) {
  fail("consumers", "delete");
  auto r = (*db_)["consumers"].remove(id_of(consumer_));
  ASSERT_FALSE(r);
  stop_failing();
  expect_untouched();
}

TEST_F(FailedCascade, ARestrictedChildRefusesTheDeleteBeforeAnyWrite) {
  Value s = insert_ok("services", Value::object({{"name", "s1"}, {"host", "example.com"}}));
  insert_ok("plugins", Value::object({{"name", "key-auth"}, {"service", id_of(s)}}));
  insert_ok("routes", Value::object({{"service", id_of(s)}, {"paths", Value(Array{Value("/")})}}));
  auto r = (*db_)["services"].remove(id_of(s));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ForeignKeyViolation);
  EXPECT_EQ(count("services"), 1u);
  EXPECT_EQ(count("routes"), 1u);
  EXPECT_EQ(count("plugins"), 2u);
  expect_untouched();
}

TEST_F(FailedCascade, ASuccessfulCascadeFreesTheChildrensUniqueValues) {
  ASSERT_TRUE((*db_)["consumers"].remove(id_of(consumer_)));
  EXPECT_EQ(count("keyauth_credentials"), 0u);
  Value bob = insert_ok("consumers", Value::object({{"username", "alice"}}));
  insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(bob)}, {"key", "k1"}}));
}

TEST_F(MemoryGuarantees, PurgingAnExpiredRowFreesItsUniqueValues) {
  Value c = insert_ok("consumers", Value::object({{"username", "alice"}}));
  auto cred = (*db_)["keyauth_credentials"].insert(Value::object({{"consumer", id_of(c)}, {"key", "k1"}}),
                                                    Value::object({{"ttl", 10}}));
  ASSERT_TRUE(cred);
  clock_.advance(11);
  // Expired but not purged, the row still holds its key (as it does in SQL backends).
  auto held = (*db_)["keyauth_credentials"].insert(Value::object({{"consumer", id_of(c)}, {"key", "k1"}}));
  ASSERT_FALSE(held);
  EXPECT_EQ(held.error().code, ErrorCode::UniqueViolation);
  auto purged = db_->connector().purge_expired();
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1);
  insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(c)}, {"key", "k1"}}));
}

// A writer rewrites rows whose fields must agree (path "/v<n>" with retries n) and inserts and
// deletes rows; readers must only ever see whole rows and whole pages.
TEST_F(MemoryGuarantees, ReadersDuringWritesSeeWholeRowsAndPages) {
  constexpr int kRows = 20;
  std::vector<Value> ids;
  for (int i = 0; i < kRows; ++i) {
    Value s = insert_ok("services", Value::object({{"name", "s" + std::to_string(i)},
                                                   {"host", "example.com"},
                                                   {"path", "/v0"},
                                                   {"retries", 0}}));
    ids.push_back(id_of(s));
  }
  std::atomic<bool> done{false};
  std::atomic<int> torn{0}, bad_pages{0}, reads{0};
  std::thread writer([&] {
    for (int n = 1; n <= 100; ++n) {
      const Value& pk = ids[static_cast<size_t>(n % kRows)];
      auto r = (*db_)["services"].update(pk, Value::object({{"path", "/v" + std::to_string(n)}, {"retries", n}}));
      if (!r) ++torn;
      // A row that comes and goes: pages hold kRows or kRows + 1 rows, never a part of one.
      auto extra = (*db_)["services"].insert(Value::object({{"name", "extra"}, {"host", "example.com"}}));
      if (extra) (void)(*db_)["services"].remove(id_of(*extra));
    }
    done = true;
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      do {
        auto page = (*db_)["services"].page(1000);
        if (!page) {
          ++bad_pages;
          continue;
        }
        if (page->rows.size() != kRows && page->rows.size() != kRows + 1) ++bad_pages;
        for (const Value& row : page->rows) {
          const Value* path = row.find("path");
          const Value* retries = row.find("retries");
          if (!path || !retries) continue;  // the "extra" row has neither
          if (path->as_string() != "/v" + std::to_string(retries->as_integer())) ++torn;
        }
        ++reads;
      } while (!done.load());
    });
  }
  writer.join();
  for (auto& r : readers) r.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(bad_pages.load(), 0);
  EXPECT_GE(reads.load(), 4);
}

}  // namespace
