// The declarative reader: YAML and JSON text into a tree, with Kong's parse errors and the
// bounds that keep hostile input cheap.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "kongdb/declarative/declarative.h"

namespace kongdb::declarative {
namespace {

std::string error_text(const Error& e) {
  const Value* text = e.fields.find("error");
  return text && text->is_string() ? text->as_string() : e.message;
}

TEST(DeclarativeReader, PlainYamlScalarsAreTypedAsYaml11QuotedOnesStayStrings) {
  auto doc = decode("a: 1\nb: yes\nc: '1'\nd: ~\ne: 1.5\nf: 0x10\ng: off\nh: \"true\"\ni: -7\nj: hello\nk:\n", Format::Yaml);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(*doc->find("a"), Value(1));
  EXPECT_EQ(*doc->find("b"), Value(true));
  EXPECT_EQ(*doc->find("c"), Value("1"));
  EXPECT_TRUE(doc->find("d")->is_null());
  EXPECT_TRUE(doc->find("e")->is_float());
  EXPECT_EQ(*doc->find("f"), Value(16));
  EXPECT_EQ(*doc->find("g"), Value(false));
  EXPECT_EQ(*doc->find("h"), Value("true"));
  EXPECT_EQ(*doc->find("i"), Value(-7));
  EXPECT_EQ(*doc->find("j"), Value("hello"));
  EXPECT_TRUE(doc->find("k")->is_null());
}

TEST(DeclarativeReader, YamlAliasesOfSmallValuesAreExpanded) {
  auto doc = decode("base: &b {port: 80}\ncopy: *b\n", Format::Yaml);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(*doc->find("copy"), Value::object({{"port", 80}}));
}

TEST(DeclarativeReader, YamlSyntaxErrorNamesLineAndColumn) {
  auto doc = decode("_format_version: \"3.0\"\nservices:\n- name: s1\n  url: [http://x\n", Format::Yaml);
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, ErrorCode::DeclarativeConfig);
  const std::string text = error_text(doc.error());
  EXPECT_EQ(text.rfind("failed parsing declarative configuration: ", 0), 0u) << text;
  EXPECT_NE(text.find("(line 5, column 1)"), std::string::npos) << text;
}

TEST(DeclarativeReader, JsonSyntaxErrorNamesLineAndColumn) {
  auto doc = decode("{\n  \"_format_version\": \"3.0\",\n  \"services\": [,]\n}", Format::Json);
  ASSERT_FALSE(doc);
  const std::string text = error_text(doc.error());
  EXPECT_NE(text.find("(line 3, column"), std::string::npos) << text;
}

TEST(DeclarativeReader, TruncatedFilesAreSyntaxErrors) {
  EXPECT_FALSE(decode("{\"_format_version\": \"3.0\", \"services\": [{\"name\": \"s", Format::Json));
  EXPECT_FALSE(decode("_format_version: \"3.0\"\nservices: [{name: s1, url: \"http://x", Format::Yaml));
}

TEST(DeclarativeReader, BillionLaughsAreRefusedBeforeTheyExpand) {
  std::string text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) text += std::string(i ? ", *" : "*") + prev;
    text += "]\n";
    prev = c;
  }
  auto doc = decode(text, Format::Yaml);
  ASSERT_FALSE(doc);
  EXPECT_NE(error_text(doc.error()).find("aliases expand to more than"), std::string::npos) << error_text(doc.error());
}

TEST(DeclarativeReader, DeepNestingIsRefusedInYamlAndJson) {
  const std::string deep_yaml = "x: " + std::string(10000, '[') + std::string(10000, ']');
  auto y = decode(deep_yaml, Format::Yaml);
  ASSERT_FALSE(y);
  EXPECT_NE(error_text(y.error()).find("nesting deeper than 64 levels"), std::string::npos);
  const std::string deep_json = "{\"x\": " + std::string(200, '[') + std::string(200, ']') + "}";
  auto j = decode(deep_json, Format::Json);
  ASSERT_FALSE(j);
  EXPECT_NE(error_text(j.error()).find("nesting deeper than 64 levels"), std::string::npos);
}

TEST(DeclarativeReader, InputLargerThanTheLimitIsRefusedUnread) {
  Limits small;
  small.max_bytes = 16;
  auto doc = decode("_format_version: \"3.0\"\n", Format::Yaml, small);
  ASSERT_FALSE(doc);
  EXPECT_NE(error_text(doc.error()).find("more than the 16 accepted"), std::string::npos);

  const auto path = std::filesystem::temp_directory_path() / "kongdb-declarative-big.yml";
  std::ofstream(path) << std::string(64, '#') << "\n";
  auto file = decode_file(path.string(), small);
  std::filesystem::remove(path);
  ASSERT_FALSE(file);
  EXPECT_NE(error_text(file.error()).find("more than the 16 accepted"), std::string::npos);
}

TEST(DeclarativeReader, FileTypeComesFromTheExtension) {
  EXPECT_EQ(*format_of("kong.yml"), Format::Yaml);
  EXPECT_EQ(*format_of("kong.yaml"), Format::Yaml);
  EXPECT_EQ(*format_of("kong.json"), Format::Json);
  auto other = format_of("kong.conf");
  ASSERT_FALSE(other);
  EXPECT_EQ(error_text(other.error()), "unknown file type: kong.conf. (Accepted types: json, yaml)");
}

TEST(DeclarativeReader, YamlWriterOutputReadsBackAsTheSameDocument) {
  const Value doc = Value::object({{"_format_version", "3.0"},
                                   {"strings", Value::array({"true", "80", "", "null", "a: b", "- x", "1.5", "ok"})},
                                   {"numbers", Value::array({1, -2, 1.5, 1e20})},
                                   {"empty", Value::array({})},
                                   {"record", Value::object({})},
                                   {"nothing", Value()}});
  auto text = to_yaml(doc);
  ASSERT_TRUE(text) << text.error().message;
  auto back = decode(*text, Format::Yaml);
  ASSERT_TRUE(back) << back.error().message << "\n" << *text;
  EXPECT_EQ(*back, doc) << *text;
}

TEST(DeclarativeReader, ExampleFileParsesAsAFormatVersionOnlyDocument) {
  auto doc = decode(example_file(), Format::Yaml);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(*doc->find("_format_version"), Value("3.0"));
}

}  // namespace
}  // namespace kongdb::declarative
