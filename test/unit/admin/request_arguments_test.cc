// Kong's nested argument syntax (kong/api/arguments_decoder.lua, spec/01-unit/01-db/03-arguments_spec.lua).
#include <gtest/gtest.h>

#include "kongdb/admin/request_decoding.h"
#include "kongdb/core/json.h"

namespace kongdb::admin {
namespace {

Value decode(std::string_view query, std::string_view method = "POST") {
  auto r = decode_urlencoded(query, method);
  EXPECT_TRUE(r) << query << ": " << (r ? "" : r.error().message);
  return r ? *r : Value();
}

Value expected(std::string_view json_text) { return json::parse(json_text).value(); }

/// Exact comparison, key order included, so failures print both sides readably.
#define EXPECT_DECODES(query, json_text) \
  EXPECT_EQ(json::encode(decode(query)), json::encode(expected(json_text))) << (query)

std::string decode_error(std::string_view query, std::string_view method = "POST") {
  auto r = decode_urlencoded(query, method);
  return r ? std::string("no error") : r.error().message;
}

}  // namespace

TEST(RequestArguments, ValuesStayStrings) {
  EXPECT_DECODES("x=&y=true&z=10", R"({"x":"","y":"true","z":"10"})");
}

TEST(RequestArguments, BareNameIsTrueAsNginxGivesIt) { EXPECT_DECODES("tags", R"({"tags":true})"); }

TEST(RequestArguments, EmptyBracketsAppendToAnArray) {
  EXPECT_DECODES("paths[]=/a&paths[]=/b", R"({"paths":["/a","/b"]})");
  EXPECT_DECODES("paths%5B%5D=/a&paths%5B%5D=/b", R"({"paths":["/a","/b"]})");
}

TEST(RequestArguments, NumberedBracketsIndexAnArrayFromOne) {
  EXPECT_DECODES("paths[1]=/a&paths[2]=/b", R"({"paths":["/a","/b"]})");
  EXPECT_DECODES("paths[2]=/b&paths[1]=/a", R"({"paths":["/a","/b"]})");
  EXPECT_DECODES("x[2]=a", R"({"x":[null,"a"]})");
}

TEST(RequestArguments, RepeatedNameBecomesAnArray) {
  EXPECT_DECODES("hosts=a.com&name=x&hosts=b.com", R"({"hosts":["a.com","b.com"],"name":"x"})");
}

TEST(RequestArguments, DotsNestRecords) {
  EXPECT_DECODES("config.minute=5&config.hour=7&service.id=abc",
                 R"({"config":{"minute":"5","hour":"7"},"service":{"id":"abc"}})");
  EXPECT_DECODES("a.b.c.d=", R"({"a":{"b":{"c":{"d":""}}}})");
}

TEST(RequestArguments, DottedNumberIsAStringKeyNotAnIndex) {
  EXPECT_DECODES("config.5=x", R"({"config":{"5":"x"}})");
}

TEST(RequestArguments, BracketMapKeysNestForWritesOnly) {
  EXPECT_DECODES("config[foo]=1&config[bar]=2", R"({"config":{"foo":"1","bar":"2"}})");
  EXPECT_EQ(json::encode(decode("config[foo]=1", "GET")), R"({"config[foo]":"1"})");
  EXPECT_EQ(json::encode(decode("config[foo]=1", "DELETE")), R"({"config[foo]":"1"})");
  EXPECT_EQ(json::encode(decode("paths[]=/a", "GET")), R"({"paths":["/a"]})");
  EXPECT_EQ(json::encode(decode("config[foo]=1", "PATCH")), R"({"config":{"foo":"1"}})");
  EXPECT_EQ(json::encode(decode("config[foo]=1", "PUT")), R"({"config":{"foo":"1"}})");
}

TEST(RequestArguments, DotsInsideBracketsStayInTheKey) {
  EXPECT_DECODES("a.b.c[test.key]=d&a.b.c[test.key]=e",
                 R"({"a":{"b":{"c":{"test.key":["d","e"]}}}})");
}

TEST(RequestArguments, NestedArraysAndMaps) {
  EXPECT_DECODES("x[1][1]=a", R"({"x":[["a"]]})");
  EXPECT_DECODES("x[2][1]=a", R"({"x":[null,["a"]]})");
  EXPECT_DECODES("key[][]=value", R"({"key":[["value"]]})");
  EXPECT_DECODES("key[2][3]=value", R"({"key":[null,[null,null,"value"]]})");
  EXPECT_DECODES("key[foo][bar]=value", R"({"key":{"foo":{"bar":"value"}}})");
  EXPECT_DECODES("key[2][1].key=value", R"({"key":[null,[{"key":"value"}]]})");
  EXPECT_DECODES("x.r[1].s[a][2].t[b].u=a",
                 R"({"x":{"r":[{"s":{"a":[null,{"t":{"b":{"u":"a"}}}]}}]}})");
}

TEST(RequestArguments, LeadingBracketIsPartOfTheName) {
  EXPECT_DECODES("[5][1][4].key=value", R"({"[5]":[[null,null,null,{"key":"value"}]]})");
  EXPECT_DECODES("[5][foo][bar].key=value", R"({"[5]":{"foo":{"bar":{"key":"value"}}}})");
}

TEST(RequestArguments, TwiceEncodedBracketsAreUnescaped) {
  // %255B decodes to %5B, which Kong then reads as '['.
  EXPECT_DECODES("key%255B2%255D%255B1%255D.key=value", R"({"key":[null,[{"key":"value"}]]})");
  EXPECT_DECODES("a%255Bescaped_k_1%255D=bar&a%255BESCAPED_K_2%255D=baz",
                 R"({"a":{"escaped_k_1":"bar","ESCAPED_K_2":"baz"}})");
  EXPECT_DECODES("a%255Bescaped%255B_k_4%255D=vvv", R"({"a":{"escaped%5B_k_4":"vvv"}})");
  EXPECT_DECODES("a%255Bescaped.k_5%255D.nested=ww", R"({"a":{"escaped.k_5":{"nested":"ww"}}})");
}

TEST(RequestArguments, ScalarAndNestedValuesOfOneNameMerge) {
  // Kong's combine: the scalar becomes element 1 of a table that also holds the keys.
  EXPECT_DECODES("a[1]=a&a[1].cat=tommy&a[2]=b1&a[2]=b2&a[2].dog=jake",
                 R"({"a":[{"1":"a","cat":"tommy"},{"1":"b1","2":"b2","dog":"jake"}]})");
  EXPECT_DECODES("a[one]=a&a[one].cat=tommy", R"({"a":{"one":{"1":"a","cat":"tommy"}}})");
}

TEST(RequestArguments, DifferentArrayRepresentationsCombineAsKongDoes) {
  EXPECT_DECODES("a[]=3&a[1]=4&a[2]=5&a[2]=6", R"({"a":[["3","4"],["5","6"]]})");
  EXPECT_DECODES("a=1&a=2&a[]=3&a[1]=4", R"({"a":[["1","3","4"],"2"]})");
}

TEST(RequestArguments, NamesStartingOrEndingWithADotAreLiteral) {
  EXPECT_DECODES(".foo=1&bar.=2", R"({".foo":"1","bar.":"2"})");
}

TEST(RequestArguments, UnterminatedBracketIsLiteral) {
  EXPECT_DECODES("a[=1", R"({"a[":"1"})");
}

TEST(RequestArguments, ArrayIndexOutsideOneToLimitIsAnError) {
  EXPECT_NE(decode_error("a[0]=x").find("Invalid array index"), std::string::npos);
  EXPECT_NE(decode_error("a[-1]=x").find("Invalid array index"), std::string::npos);
  EXPECT_NE(decode_error("a[1.5]=x").find("Invalid array index"), std::string::npos);
  EXPECT_NE(decode_error("a[1001]=x").find("Invalid array index"), std::string::npos);
  EXPECT_NE(decode_error("a[99999999999999999999]=x").find("Invalid array index"), std::string::npos);
  auto at_limit = decode_urlencoded("a[1000]=x", "POST");
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->find("a")->as_array().size(), 1000u);
}

TEST(RequestArguments, DeeplyNestedNamesAreRefused) {
  std::string name = "a";
  for (int i = 0; i < 40; ++i) name += "[b]";
  EXPECT_NE(decode_error(name + "=1").find("nested too deeply"), std::string::npos);
  std::string dotted = "a";
  for (int i = 0; i < 40; ++i) dotted += ".b";
  EXPECT_NE(decode_error(dotted + "=1").find("nested too deeply"), std::string::npos);
}

TEST(RequestArguments, ManyLargeSparseArraysAreRefused) {
  std::string q;
  for (int i = 0; i < 200; ++i) q += "a" + std::to_string(i) + "[1000]=x&";
  EXPECT_EQ(decode_error(q), "Too many array elements in arguments");
}

TEST(RequestArguments, NumericRootNameWithKeysKeepsItsStringForm) {
  EXPECT_DECODES("5=x", R"({"5":"x"})");
  EXPECT_DECODES("5[a]=x", R"({"5":{"a":"x"}})");
}

}  // namespace kongdb::admin
