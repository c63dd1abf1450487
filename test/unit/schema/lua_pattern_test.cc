#include "schema/lua_pattern.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kongdb::schema {
namespace {

// Expected values below were checked against the lua5.1 interpreter.

struct FindCase {
  std::string subject;
  std::string pattern;
  bool found;
  size_t begin = 0;  // 0-based; Lua's string.find reports begin + 1
  size_t end = 0;
  std::vector<std::string> captures = {};
};

void expect_find(const FindCase& c) {
  SCOPED_TRACE("subject='" + c.subject + "' pattern='" + c.pattern + "'");
  std::string err = "stale";
  auto m = lua_find(c.subject, c.pattern, &err);
  EXPECT_EQ(err, "");
  ASSERT_EQ(m.has_value(), c.found);
  if (!c.found) return;
  EXPECT_EQ(m->begin, c.begin);
  EXPECT_EQ(m->end, c.end);
  EXPECT_EQ(m->captures, c.captures);
}

void expect_error(const std::string& subject, const std::string& pattern,
                  const std::string& message) {
  SCOPED_TRACE("subject='" + subject + "' pattern='" + pattern + "'");
  std::string err;
  EXPECT_FALSE(lua_find(subject, pattern, &err).has_value());
  EXPECT_EQ(err, message);
  err.clear();
  EXPECT_FALSE(lua_pattern_matches(subject, pattern, &err));
  EXPECT_EQ(err, message);
}

TEST(LuaPattern, KongValidatorPatterns) {
  const std::string host_chars = "^[%w%.%-%_~]+$";
  EXPECT_TRUE(lua_pattern_matches("my-service_1.example~", host_chars));
  EXPECT_FALSE(lua_pattern_matches("bad name", host_chars));
  EXPECT_FALSE(lua_pattern_matches("", host_chars));
  EXPECT_FALSE(lua_pattern_matches("caf\xc3\xa9", host_chars));

  EXPECT_TRUE(lua_pattern_matches("GET", "^%u+$"));
  EXPECT_FALSE(lua_pattern_matches("Get", "^%u+$"));
  EXPECT_FALSE(lua_pattern_matches("", "^%u+$"));

  EXPECT_TRUE(lua_pattern_matches("1.2.3", "^[%d%.]+$"));
  EXPECT_FALSE(lua_pattern_matches("1.2a", "^[%d%.]+$"));

  EXPECT_TRUE(lua_pattern_matches("no-space", "^%S+$"));
  EXPECT_FALSE(lua_pattern_matches("has space", "^%S+$"));
  EXPECT_FALSE(lua_pattern_matches("tab\there", "^%S+$"));

  EXPECT_TRUE(lua_pattern_matches("/path", "^/"));
  EXPECT_FALSE(lua_pattern_matches("path/", "^/"));
}

TEST(LuaPattern, PlainAndUnanchoredFind) {
  expect_find({"hello world", "o w", true, 4, 7});
  expect_find({"hello", "", true, 0, 0});
  expect_find({"", "", true, 0, 0});
  expect_find({"hello", "xyz", false});
  expect_find({"hello", "l+", true, 2, 4});
  expect_find({"hello", "", true, 0, 0});
  // ')' is not special for string.find, so this is a plain search.
  expect_find({"a)b", ")", true, 1, 2});
  expect_find({"abc", ")", false});
}

TEST(LuaPattern, Anchors) {
  expect_find({"abc", "^abc$", true, 0, 3});
  expect_find({"xabc", "^abc", false});
  expect_find({"abcx", "abc$", false});
  expect_find({"xabc", "abc$", true, 1, 4});
  expect_find({"", "^$", true, 0, 0});
  expect_find({"abc", "^", true, 0, 0});
  expect_find({"abc", "$", true, 3, 3});
  // '^' not at the start and '$' not at the end are literals.
  expect_find({"a^b", "a^b", true, 0, 3});
  expect_find({"a$b", "a$b", true, 0, 3});
  expect_find({"ab", "a$b", false});
  expect_find({"^a", "^^a", true, 0, 2});
}

TEST(LuaPattern, Dot) {
  expect_find({"abc", "a.c", true, 0, 3});
  expect_find({"a\nc", "a.c", true, 0, 3});
  expect_find({std::string("a\0c", 3), "a.c", true, 0, 3});
  expect_find({"ac", "a.c", false});
}

TEST(LuaPattern, CharacterClasses) {
  expect_find({"ab1", "%a+", true, 0, 2});
  expect_find({"12ab", "%A+", true, 0, 2});
  expect_find({"x\x01\x7fy", "%c+", true, 1, 3});
  expect_find({"ab123", "%d+", true, 2, 5});
  expect_find({"12ab", "%D+", true, 2, 4});
  expect_find({"ABcdE", "%l+", true, 2, 4});
  expect_find({"ab!?c", "%p+", true, 2, 4});
  expect_find({"a \t\n\r\v\fb", "%s+", true, 1, 7});
  expect_find({"  ab  ", "%S+", true, 2, 4});
  expect_find({"abCDe", "%u+", true, 2, 4});
  expect_find({"!a1_", "%w+", true, 1, 3});
  expect_find({"ab1!", "%W", true, 3, 4});
  expect_find({"xyzBEEFg", "%x+", true, 3, 7});
  expect_find({std::string("ab\0c", 4), "%z", true, 2, 3});
  expect_find({std::string("\0\0b", 3), "%Z", true, 2, 3});
  // C locale: high bytes are not letters, punctuation, space, etc.
  const std::string high = "\xc3\xa9\xff\x80";
  EXPECT_FALSE(lua_pattern_matches(high, "[%a%d%p%s%c%l%u%w%x]"));
  expect_find({high, "^%A%D%P%S$", true, 0, 4});
  EXPECT_TRUE(lua_pattern_matches(high, "^[\x80-\xff]+$"));
}

TEST(LuaPattern, EscapesAndUnknownClasses) {
  expect_find({"a.b", "%.", true, 1, 2});
  expect_find({"50%", "%%", true, 2, 3});
  expect_find({"a-b", "%-", true, 1, 2});
  expect_find({"a(b)", "%(b%)", true, 1, 4});
  expect_find({"a]b", "%]", true, 1, 2});
  // An unknown letter class matches the letter itself.
  expect_find({"aqb", "%q", true, 1, 2});
  expect_find({"aQb", "%Q", true, 1, 2});
}

TEST(LuaPattern, Sets) {
  expect_find({"xbay", "[ab]+", true, 1, 3});
  expect_find({"abcx", "[^abc]", true, 3, 4});
  expect_find({"x5m", "[a-z]+", true, 0, 1});
  expect_find({"XYm", "[0-9a-f]+", false});
  expect_find({"X5a", "[0-9a-f]+", true, 1, 3});
  expect_find({"a_1", "^[%a_][%w_]*$", true, 0, 3});
  expect_find({"a]b", "[]]", true, 1, 2});
  expect_find({"]]a", "[^]]", true, 2, 3});
  expect_find({"-", "[a-]", true, 0, 1});
  expect_find({"-", "[-a]", true, 0, 1});
  expect_find({"b", "[a-]", false});
  expect_find({"a%b", "[%%]", true, 1, 2});
  expect_find({"a]b", "[%]]", true, 1, 2});
  expect_find({"ab-", "[%a-]+", true, 0, 3});
  expect_find({"^", "[a^]", true, 0, 1});
  // A class followed by '-' is not a range.
  expect_find({"-", "[%d-z]", true, 0, 1});
}

TEST(LuaPattern, Quantifiers) {
  expect_find({"aaab", "a*", true, 0, 3});
  expect_find({"baaa", "a*", true, 0, 0});
  expect_find({"baaa", "a+", true, 1, 4});
  expect_find({"b", "a+", false});
  expect_find({"aaab", "a-b", true, 0, 4});
  expect_find({"<x><y>", "<.->", true, 0, 3});
  expect_find({"<x><y>", "<.*>", true, 0, 6});
  expect_find({"color", "colou?r", true, 0, 5});
  expect_find({"colour", "colou?r", true, 0, 6});
  expect_find({"ab", "a?ab", true, 0, 2});
  expect_find({"int x = 42;", "%d+", true, 8, 10});
  expect_find({"[[]]", "%[%[.-%]%]", true, 0, 4});
  // A leading quantifier char is a literal.
  expect_find({"a*b", "*", true, 1, 2});
  expect_find({"a+b", "a+b", false});
  expect_find({"aab", "a+b", true, 0, 3});
}

TEST(LuaPattern, Captures) {
  expect_find({"hello world", "(%w+) (%w+)", true, 0, 11, {"hello", "world"}});
  expect_find({"key = value", "(%w+)%s*=%s*(%w+)", true, 0, 11,
               {"key", "value"}});
  expect_find({"abc", "a(b?)c", true, 0, 3, {"b"}});
  expect_find({"ac", "a(b?)c", true, 0, 2, {""}});
  expect_find({"abcd", "((a)(b))", true, 0, 2, {"ab", "a", "b"}});
  // Position captures report the 1-based position, like Lua's numbers.
  expect_find({"abc", "()b()", true, 1, 2, {"2", "3"}});
  expect_find({"", "()", true, 0, 0, {"1"}});
}

TEST(LuaPattern, BackReferences) {
  expect_find({"say \"hi\" now", "([\"'])(.-)%1", true, 4, 8, {"\"", "hi"}});
  expect_find({"'x\"", "([\"'])(.-)%1", false});
  expect_find({"abab", "^(ab)%1$", true, 0, 4, {"ab"}});
  expect_find({"aXbXXc", "(X+)c", true, 3, 6, {"XX"}});
  // A back-reference to a position capture never matches.
  expect_find({"aa", "()a%1", false});
}

TEST(LuaPattern, Balanced) {
  expect_find({"f(a(b)c) d", "%b()", true, 1, 8});
  expect_find({"f(a(b)c", "%b()", true, 3, 6});
  expect_find({"(((", "%b()", false});
  expect_find({"if x then y end", "%bxy", true, 3, 11});
  expect_find({"[[x]]", "^%b[]$", true, 0, 5});
  // %b is not quantifiable: the '*' after it is a literal.
  expect_find({"()*", "%b()*", true, 0, 3});
  expect_find({"()", "%b()*", false});
}

TEST(LuaPattern, Frontier) {
  expect_find({"THE (quick) fox", "%f[%a]%a+", true, 0, 3});
  expect_find({"THE (quick) fox", "%f[%l]%a+", true, 5, 10});
  expect_find({"hello", "%f[%w]%w+", true, 0, 5});
  // The end of the subject reads as '\0' on the right.
  expect_find({"word", "%w%f[%W]", true, 3, 4});
  expect_find({"word", "%f[%z]", true, 4, 4});
  expect_find({"foobar bar", "%f[%w]bar", true, 7, 10});
  expect_find({"THE", "%f[%a]", true, 0, 0});
  expect_find({"", "%f[%a]", false});
}

TEST(LuaPattern, MalformedPatterns) {
  expect_error("abc", "%", "malformed pattern (ends with '%')");
  expect_error("abc", "a%", "malformed pattern (ends with '%')");
  expect_error("abc", "[a", "malformed pattern (missing ']')");
  expect_error("abc", "[]", "malformed pattern (missing ']')");
  expect_error("abc", "[^]", "malformed pattern (missing ']')");
  expect_error("abc", "[a%]", "malformed pattern (missing ']')");
  expect_error("abc", "(", "unfinished capture");
  expect_error("abc", "(a", "unfinished capture");
  expect_error("abc", ".)", "invalid pattern capture");
  expect_error("abc", "%b", "unbalanced pattern");
  expect_error("abc", "%bx", "unbalanced pattern");
  expect_error("abc", "%f", "missing '[' after '%f' in pattern");
  expect_error("abc", "%fa", "missing '[' after '%f' in pattern");
  expect_error("abc", "%1", "invalid capture index");
  expect_error("abc", "%0", "invalid capture index");
  expect_error("abc", "(a%1)", "invalid capture index");
  expect_error("abc", std::string(33, '(') + std::string(33, ')'),
               "too many captures");
  // As in Lua, errors surface only where the matcher gets to them.
  expect_find({"b", "a%", false});
  expect_find({"xyz", "b(", false});
}

TEST(LuaPattern, ErrorOutParamIsOptional) {
  EXPECT_FALSE(lua_find("abc", "[a").has_value());
  EXPECT_FALSE(lua_pattern_matches("abc", "%"));
  EXPECT_EQ(lua_gsub("abc", "(", "%1"), "");
}

TEST(LuaPattern, EmbeddedNul) {
  // Lua 5.1 reads patterns as C strings: without specials before the NUL the
  // whole pattern is searched literally, otherwise it stops at the NUL.
  const std::string subject("a\0b", 3);
  expect_find({subject, std::string("\0b", 2), true, 1, 3});
  expect_find({"ab", std::string("a.\0zzz", 6), true, 0, 2});
}

TEST(LuaPattern, LargeSubject) {
  std::string big(1 << 20, 'a');
  EXPECT_TRUE(lua_pattern_matches(big, "^[%w%.%-%_~]+$"));
  expect_find({big, "a*$", true, 0, big.size()});
  expect_find({big, "a-$", true, 0, big.size()});
  expect_find({big, "b", false});
  big.back() = ' ';
  EXPECT_FALSE(lua_pattern_matches(big, "^%S+$"));
  expect_find({big, "%s", true, big.size() - 1, big.size()});
  std::string nested(1 << 20, '(');
  expect_find({nested, "^%b()", false});
  EXPECT_EQ(lua_gsub(big, "a", "").size(), 1u);
}

TEST(LuaPattern, DeepPatternsAreBoundedNotCrashing) {
  // Deliberate divergence: Lua 5.1 has no depth limit and would recurse
  // once per matched "a?" here.
  std::string pat;
  for (int i = 0; i < 100000; ++i) pat += "a?";
  std::string err;
  EXPECT_FALSE(lua_find(std::string(100000, 'a'), pat, &err).has_value());
  EXPECT_EQ(err, "pattern too complex");
  EXPECT_FALSE(lua_find("", std::string(100000, '('), &err).has_value());
  EXPECT_EQ(err, "too many captures");
  // Optional items that do not match do not recurse.
  expect_find({"aaaa", pat, true, 0, 4});
  // Long patterns of plain items do not recurse at all.
  std::string subject(100000, 'x');
  std::string plain_pat = "^" + std::string(100000, '.') + "$";
  expect_find({subject, plain_pat, true, 0, subject.size()});
}

TEST(LuaPattern, Gsub) {
  EXPECT_EQ(lua_gsub("hello world", "o", "0"), "hell0 w0rld");
  EXPECT_EQ(lua_gsub("hello world", "(%w+)", "<%1>"), "<hello> <world>");
  EXPECT_EQ(lua_gsub("hello world", "%w+", "%0 %0"), "hello hello world world");
  EXPECT_EQ(lua_gsub("hello", "l", "%%"), "he%%o");
  EXPECT_EQ(lua_gsub("abc", "", "-"), "-a-b-c-");
  EXPECT_EQ(lua_gsub("abc", "b*", "-"), "-a--c-");  // 5.1, not 5.4
  EXPECT_EQ(lua_gsub("abc", "^a", "x"), "xbc");
  EXPECT_EQ(lua_gsub("bac", "^a", "x"), "bac");
  EXPECT_EQ(lua_gsub("aaa", "^a", "x"), "xaa");
  EXPECT_EQ(lua_gsub("hello world", "(%w+) (%w+)", "%2 %1"), "world hello");
  EXPECT_EQ(lua_gsub("abc", "b", "%1"), "abc");  // %1 is the whole match
  EXPECT_EQ(lua_gsub("abc", "()b", "%1"), "a2c");
  EXPECT_EQ(lua_gsub("abc", "b", "%x"), "axc");  // %<non-digit> is literal
  EXPECT_EQ(lua_gsub("a", "a", "%"), std::string(1, '\0'));
  EXPECT_EQ(lua_gsub("/path/to/", "/$", ""), "/path/to");
  EXPECT_EQ(lua_gsub("  trim me  ", "^%s*(.-)%s*$", "%1"), "trim me");
  EXPECT_EQ(lua_gsub("a.b.c", "%.", "%%."), "a%.b%.c");
}

TEST(LuaPattern, GsubErrors) {
  std::string err;
  EXPECT_EQ(lua_gsub("abc", "b", "%2", &err), "");
  EXPECT_EQ(err, "invalid capture index");
  EXPECT_EQ(lua_gsub("abc", "[", "x", &err), "");
  EXPECT_EQ(err, "malformed pattern (missing ']')");
  EXPECT_EQ(lua_gsub("abc", "(b", "%1", &err), "");
  EXPECT_EQ(err, "unfinished capture");
  // The unfinished capture is only an error once the replacement reads it.
  EXPECT_EQ(lua_gsub("abc", "(b", "x", &err), "axc");
  EXPECT_EQ(err, "");
  EXPECT_EQ(lua_gsub("abc", "b", "x", &err), "axc");
  EXPECT_EQ(err, "");
}

}  // namespace
}  // namespace kongdb::schema
