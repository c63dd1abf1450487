#include <gtest/gtest.h>

#include "kongdb/core/json.h"

namespace kongdb {

TEST(Json, KeepsIntegersIntegralAndFloatsFloating) {
  auto v = json::parse(R"({"a":5,"b":5.0,"c":-3,"d":1e3})");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->find("a")->is_integer());
  EXPECT_TRUE(v->find("b")->is_float());
  EXPECT_TRUE(v->find("c")->is_integer());
  EXPECT_TRUE(v->find("d")->is_float());
  EXPECT_EQ(json::encode(*v), R"({"a":5,"b":5,"c":-3,"d":1000})");
}

TEST(Json, EmptyArrayAndEmptyObjectRoundTrip) {
  auto v = json::parse(R"({"a":[],"o":{}})");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->find("a")->is_array());
  EXPECT_TRUE(v->find("o")->is_object());
  EXPECT_EQ(json::encode(*v), R"({"a":[],"o":{}})");
}

TEST(Json, NullIsKept) {
  auto v = json::parse(R"({"a":null})");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->find("a")->is_null());
  EXPECT_EQ(json::encode(*v), R"({"a":null})");
}

TEST(Json, KeepsKeyOrderAndLastDuplicateWins) {
  auto v = json::parse(R"({"z":1,"a":2,"z":3})");
  ASSERT_TRUE(v);
  EXPECT_EQ(json::encode(*v), R"({"z":3,"a":2})");
}

TEST(Json, EscapesControlCharactersAndQuotes) {
  EXPECT_EQ(json::encode(Value("a\"b\\c\n\x01")), R"("a\"b\\c\n\u0001")");
  auto v = json::parse(R"("\u00e9\ud83d\ude00")");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->as_string(), "\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(Json, MalformedInputIsAnErrorNotACrash) {
  for (const char* bad : {"", "{", "[1,", "{\"a\":}", "nul", "[1] x", "{\"a\" 1}", "\"\xff\""}) {
    EXPECT_FALSE(json::parse(bad)) << bad;
  }
}

TEST(Json, DeepNestingIsRefusedBeyondTheLimit) {
  std::string ok(200, '[');
  ok += std::string(200, ']');
  EXPECT_TRUE(json::parse(ok));
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  EXPECT_FALSE(json::parse(deep));
}

TEST(Json, LargeIntegersBecomeFloats) {
  auto v = json::parse("18446744073709551615");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->is_float());
}

TEST(Json, PrettyOutputIsIndented) {
  auto v = json::parse(R"({"a":[1]})");
  ASSERT_TRUE(v);
  EXPECT_EQ(json::encode_pretty(*v), "{\n  \"a\": [\n    1\n  ]\n}");
}

}  // namespace kongdb
