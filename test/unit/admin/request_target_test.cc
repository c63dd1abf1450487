#include <gtest/gtest.h>

#include "kongdb/admin/request_decoding.h"

namespace kongdb::admin {
namespace {

std::vector<std::string> segments(std::string_view target) {
  auto t = decode_target(target);
  EXPECT_TRUE(t) << target;
  return t ? t->segments : std::vector<std::string>{};
}

}  // namespace

TEST(PercentDecode, DecodesEscapesAndKeepsOtherBytes) {
  EXPECT_EQ(percent_decode("a%20b%2Fc%e9").value(), "a b/c\xe9");
  EXPECT_EQ(percent_decode("a+b").value(), "a+b");
  EXPECT_EQ(percent_decode("a+b", true).value(), "a b");
  EXPECT_EQ(percent_decode("").value(), "");
}

TEST(PercentDecode, TruncatedOrNonHexEscapesAreErrors) {
  for (const char* bad : {"%", "%4", "a%zz", "%g0", "%0g", "abc%"}) {
    auto r = percent_decode(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message, "Invalid percent-encoding in request");
  }
}

TEST(DecodeTarget, SplitsPathIntoDecodedSegmentsAndKeepsQueryRaw) {
  auto t = decode_target("/services/my%20svc/routes?size=2&tags=a%2Cb");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->segments, (std::vector<std::string>{"services", "my svc", "routes"}));
  EXPECT_EQ(t->path, "/services/my svc/routes");
  EXPECT_EQ(t->query, "size=2&tags=a%2Cb");
}

TEST(DecodeTarget, EncodedSlashStaysInsideItsSegment) {
  EXPECT_EQ(segments("/consumers/a%2Fb"), (std::vector<std::string>{"consumers", "a/b"}));
}

TEST(DecodeTarget, RootAndTrailingOrDoubleSlashesGiveTheSameSegments) {
  EXPECT_TRUE(segments("/").empty());
  EXPECT_TRUE(segments("/?x=1").empty());
  EXPECT_EQ(segments("/services/"), (std::vector<std::string>{"services"}));
  EXPECT_EQ(segments("//services"), (std::vector<std::string>{"services"}));
}

TEST(DecodeTarget, DotSegmentsAreResolvedAndCannotEscapeTheRoot) {
  EXPECT_EQ(segments("/services/./x/../routes"), (std::vector<std::string>{"services", "routes"}));
  EXPECT_EQ(segments("/a/%2e%2e/b"), (std::vector<std::string>{"b"}));
  EXPECT_FALSE(decode_target("/.."));
  EXPECT_FALSE(decode_target("/a/../../b"));
}

TEST(DecodeTarget, AbsoluteFormDropsSchemeAndAuthority) {
  auto t = decode_target("http://localhost:8001/status?x=1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/status");
  EXPECT_EQ(t->query, "x=1");
  EXPECT_EQ(decode_target("HTTPS://h").value().path, "/");
}

TEST(DecodeTarget, MalformedTargetsAreErrors) {
  for (const char* bad : {"", "*", "services", "/a%zz", "/a%00b"}) EXPECT_FALSE(decode_target(bad)) << bad;
}

TEST(SplitUrlencoded, GroupsRepeatedNamesInFirstSeenOrder) {
  auto args = split_urlencoded("b=1&a=2&b=3&&c&d=&=e&f+g=h+i");
  ASSERT_TRUE(args);
  ASSERT_EQ(args->size(), 5u);
  EXPECT_EQ((*args)[0].name, "b");
  EXPECT_EQ((*args)[0].values, (std::vector<Value>{"1", "3"}));
  EXPECT_EQ((*args)[1].name, "a");
  EXPECT_EQ((*args)[2].name, "c");
  EXPECT_EQ((*args)[2].values, (std::vector<Value>{true}));
  EXPECT_EQ((*args)[3].values, (std::vector<Value>{""}));
  EXPECT_EQ((*args)[4].name, "f g");
  EXPECT_EQ((*args)[4].values, (std::vector<Value>{"h i"}));
}

TEST(SplitUrlencoded, MoreThanTheArgumentLimitIsTooManyArguments) {
  std::string q;
  for (size_t i = 0; i <= kMaxArguments; ++i) q += "a" + std::to_string(i) + "=1&";
  auto r = split_urlencoded(q);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Too many arguments");
}

TEST(SplitUrlencoded, InvalidPercentEncodingIsAnError) {
  EXPECT_FALSE(split_urlencoded("a=%zz"));
  EXPECT_FALSE(split_urlencoded("%=1"));
}

}  // namespace kongdb::admin
