#include <gtest/gtest.h>

#include "kongdb/core/ids.h"
#include "kongdb/core/value.h"

namespace kongdb {

TEST(Value, NullIsDistinctFromAbsent) {
  Value v = Value::object({{"a", Value()}});
  ASSERT_NE(v.find("a"), nullptr);
  EXPECT_TRUE(v.find("a")->is_null());
  EXPECT_EQ(v.find("b"), nullptr);
}

TEST(Value, IntegersAndFloatsCompareLikeLuaNumbers) {
  EXPECT_EQ(Value(1), Value(1.0));
  EXPECT_TRUE(Value(1).is_integer());
  EXPECT_TRUE(Value(1.0).is_float());
  EXPECT_FALSE(Value(1) == Value("1"));
}

TEST(Value, ObjectsCompareWithoutOrder) {
  EXPECT_EQ(Value::object({{"a", 1}, {"b", 2}}), Value::object({{"b", 2}, {"a", 1}}));
  EXPECT_FALSE(Value::object({{"a", 1}}) == Value::object({{"a", 2}}));
}

TEST(Value, NonEmptyFollowsKong) {
  EXPECT_FALSE(Value().is_nonempty());
  EXPECT_FALSE(Value("").is_nonempty());
  EXPECT_FALSE(Value::array().is_nonempty());
  EXPECT_FALSE(Value::object().is_nonempty());
  EXPECT_TRUE(Value(false).is_nonempty());
  EXPECT_TRUE(Value(0).is_nonempty());
}

TEST(Value, LuaStringsOfNumbersDropTrailingZeros) {
  EXPECT_EQ(Value(80).to_lua_string(), "80");
  EXPECT_EQ(Value(1.5).to_lua_string(), "1.5");
  EXPECT_EQ(Value(100000000.0).to_lua_string(), "100000000");
  EXPECT_EQ(Value(true).to_lua_string(), "true");
}

TEST(Ids, SequentialIdsAreValidUuids) {
  SequentialIds ids;
  std::string a = ids.uuid();
  EXPECT_EQ(a, "00000000-0000-4000-8000-000000000001");
  EXPECT_TRUE(is_valid_uuid(a));
  EXPECT_EQ(ids.random_string().size(), 32u);
}

TEST(Ids, RandomUuidsAreVersion4AndDistinct) {
  std::string a = random_ids().uuid();
  std::string b = random_ids().uuid();
  EXPECT_TRUE(is_valid_uuid(a));
  EXPECT_NE(a, b);
  EXPECT_EQ(a[14], '4');
  std::string r = random_ids().random_string();
  EXPECT_EQ(r.size(), 32u);
}

TEST(Ids, UuidValidatorAcceptsAnyCaseAndRejectsJunk) {
  EXPECT_TRUE(is_valid_uuid("00000000-0000-0000-0000-000000000000"));
  EXPECT_TRUE(is_valid_uuid("ABCDEF00-0000-0000-0000-000000000000"));
  EXPECT_FALSE(is_valid_uuid("abcdef00-0000-0000-0000-00000000000"));
  EXPECT_FALSE(is_valid_uuid("abcdef00x0000-0000-0000-000000000000"));
  EXPECT_FALSE(is_valid_uuid("g0000000-0000-0000-0000-000000000000"));
}

TEST(Clock, FixedClockMovesOnlyWhenTold) {
  FixedClock c(100.5);
  EXPECT_EQ(c.time(), 100);
  c.advance(1);
  EXPECT_DOUBLE_EQ(c.now(), 101.5);
}

}  // namespace kongdb
