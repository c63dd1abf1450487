// The Lua runtime core: state setup, the exception barrier, pcall with traceback, ngx.null and
// conversions between Value and Lua tables.
#include "kongdb/lua/runtime.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "kongdb/core/json.h"

namespace kongdb::lua {
namespace {

// Evaluates `expr` and converts its single result.
tl::expected<Value, std::string> eval(State& L, const std::string& expr,
                                      const ToValueOptions& options = {}) {
  StackGuard guard(L);
  std::string code = "return " + expr;
  if (luaL_loadbuffer(L, code.data(), code.size(), "=eval") != 0) {
    return tl::unexpected(pop_error_message(L));
  }
  if (pcall_traceback(L, 0, 1) != 0) return tl::unexpected(pop_error_message(L));
  return to_value(L, -1, options);
}

Value json(const char* text) { return *json::parse(text); }

// Pushes a Value as the global `v`, then evaluates a Lua expression over it.
tl::expected<Value, std::string> round_trip(State& L, const Value& v, const std::string& expr = "v") {
  push_value(L, v);
  lua_setglobal(L, "v");
  return eval(L, expr);
}

// Runs a chunk that asserts on its own; a failure reports the Lua message and traceback.
void run_ok(State& L, const char* code, const char* chunk_name) {
  auto r = L.run_string(code, chunk_name);
  EXPECT_TRUE(r) << r.error();
}

int throws_std_exception(lua_State*) { throw std::runtime_error("C++ side failed"); }
int throws_lua_error(lua_State*) { throw LuaError("bad argument #1 to 'f' (table expected)"); }

TEST(LuaRuntime, RunsCodeAndReportsErrorsWithTraceback) {
  State L;
  EXPECT_TRUE(L.run_string("x = 1 + 1", "=ok"));
  auto r = L.run_string("local function inner() error('boom') end inner()", "=snippet");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("snippet:1: boom"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("stack traceback:"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("inner"), std::string::npos) << r.error();
}

TEST(LuaRuntime, SyntaxErrorIsReportedNotThrown) {
  State L;
  auto r = L.run_string("local = = 1", "=bad");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("bad:1:"), std::string::npos) << r.error();
}

TEST(LuaRuntime, CxxExceptionBecomesLuaErrorCatchableByPcall) {
  State L;
  lua_pushcfunction(L, &guarded<throws_std_exception>);
  lua_setglobal(L, "f");
  lua_pushcfunction(L, &guarded<throws_lua_error>);
  lua_setglobal(L, "g");
  run_ok(L, R"lua(
    local ok, err = pcall(f)
    assert(not ok and err == "C++ side failed", err)
    local ok2, err2 = pcall(function() g() end)
    assert(not ok2 and err2:find("bad argument #1 to 'f' %(table expected%)"), err2)
  )lua", "=barrier");
  EXPECT_EQ(lua_gettop(L), 0);
}

TEST(LuaRuntime, NgxNullIsLightuserdataDistinctFromNil) {
  State L;
  run_ok(L, R"lua(
    assert(ngx.null ~= nil)
    assert(type(ngx.null) == "userdata")
    assert(ngx.ERR == 4 and ngx.WARN == 5 and ngx.DEBUG == 8)
    assert(type(ngx.now()) == "number" and ngx.time() <= ngx.now())
    assert(ngx.decode_base64(ngx.encode_base64("kong")) == "kong")
    assert(ngx.encode_base64("a") == "YQ==" and ngx.encode_base64("a", true) == "YQ")
  )lua", "=ngx");
}

TEST(LuaRuntime, NgxLogWritesLevelAndMessage) {
  char buffer[256] = {};
  std::FILE* stream = fmemopen(buffer, sizeof buffer, "w");
  ASSERT_NE(stream, nullptr);
  {
    State L({.log_stream = stream});
    ASSERT_TRUE(L.run_string("ngx.log(ngx.ERR, 'failed: ', 42, ' ', nil, ngx.null)", "=log"));
  }
  std::fclose(stream);
  EXPECT_EQ(std::string(buffer), "[error] log:1: failed: 42 nilnull\n");
}

TEST(LuaRuntime, PackagePathIsPrepended) {
  State L({.package_path = "/opt/kong/?.lua"});
  auto path = eval(L, "package.path");
  ASSERT_TRUE(path);
  EXPECT_EQ(path->as_string().rfind("/opt/kong/?.lua;", 0), 0u) << path->as_string();
  State L2({.package_path = "/opt/a/?.lua;;"});
  auto path2 = eval(L2, "package.path");
  ASSERT_TRUE(path2);
  EXPECT_EQ(path2->as_string().rfind("/opt/a/?.lua;", 0), 0u);
  EXPECT_EQ(path2->as_string().find(";;"), std::string::npos) << path2->as_string();
}

TEST(LuaRuntime, ValuesRoundTripKeepingNullsEmptyArraysAndIntegers) {
  State L;
  Value v = json(R"({"a":null,"arr":[],"obj":{},"n":5,"f":1.5,"s":"x","b":false,"list":[1,"two",null,[]]})");
  auto back = round_trip(L, v);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, v);
  EXPECT_TRUE(back->find("n")->is_integer());
  EXPECT_TRUE(back->find("f")->is_float());
  EXPECT_TRUE(back->find("arr")->is_array());
  EXPECT_TRUE(back->find("obj")->is_object());
  EXPECT_TRUE(back->find("a")->is_null());
}

TEST(LuaRuntime, PushedNullIsNgxNullAndArraysAreSequences) {
  State L;
  push_value(L, json(R"({"a":null,"list":[10,20]})"));
  lua_setglobal(L, "v");
  run_ok(L, R"lua(
    assert(v.a == ngx.null)
    assert(#v.list == 2 and v.list[1] == 10 and v.list[2] == 20)
    assert(v.missing == nil)
  )lua", "=seq");
}

TEST(LuaRuntime, PlainLuaTablesConvert) {
  State L;
  EXPECT_EQ(*eval(L, "{ name = 'svc', port = 80, tags = { 'a', 'b' } }"),
            json(R"({"name":"svc","port":80,"tags":["a","b"]})"));
  EXPECT_EQ(*eval(L, "{}"), json("{}"));
  EXPECT_EQ(*eval(L, "setmetatable({}, getmetatable(setmetatable({}, {})))"), json("{}"));
  EXPECT_EQ(*eval(L, "{ 1, nil, 3 }"), json("[1,null,3]"));
  EXPECT_EQ(*eval(L, "2^53"), Value(int64_t{9007199254740992}));
  EXPECT_TRUE(eval(L, "0.1")->is_float());
  EXPECT_TRUE(eval(L, "1e300")->is_float());
  EXPECT_EQ(*eval(L, "nil"), Value());
}

TEST(LuaRuntime, UnconvertibleTablesGiveClearErrors) {
  State L;
  auto cyclic = eval(L, "(function() local t = {} t.self = t return t end)()");
  ASSERT_FALSE(cyclic);
  EXPECT_EQ(cyclic.error(), "cannot convert a table that contains itself (cycle) (at self)");

  auto mixed = eval(L, "{ 1, 2, name = 'x' }");
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error(), "cannot convert a table mixing array items and named keys");

  auto fn = eval(L, "{ config = { handler = print } }");
  ASSERT_FALSE(fn);
  EXPECT_EQ(fn.error(), "cannot convert a function value (at config.handler)");

  auto ud = eval(L, "{ list = { 1, io.stdout } }");
  ASSERT_FALSE(ud);
  EXPECT_EQ(ud.error(), "cannot convert a userdata value (at list[2])");

  auto bool_key = eval(L, "{ [true] = 1 }");
  ASSERT_FALSE(bool_key);
  EXPECT_EQ(bool_key.error(), "cannot convert a table with a key of type boolean");

  auto fractional = eval(L, "{ [1.5] = 1 }");
  ASSERT_FALSE(fractional);
  EXPECT_EQ(fractional.error(), "cannot convert a table with non-positive or fractional number keys");

  auto sparse = eval(L, "{ [1000000000] = 1 }");
  ASSERT_FALSE(sparse);
  EXPECT_NE(sparse.error().find("excessively sparse"), std::string::npos);
}

TEST(LuaRuntime, SharedSubtablesAreNotCycles) {
  State L;
  auto r = eval(L, "(function() local s = { 1 } return { a = s, b = s } end)()");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, json(R"({"a":[1],"b":[1]})"));
}

TEST(LuaRuntime, TooDeepAndTooLargeTablesAreRefused) {
  State L;
  auto deep = eval(L, "(function() local t = {} for i = 1, 5000 do t = { t } end return t end)()");
  ASSERT_FALSE(deep);
  EXPECT_NE(deep.error().find("table nesting too deep (more than 1000 levels)"), std::string::npos);

  ToValueOptions small;
  small.max_values = 100;
  auto big = eval(L, "(function() local t = {} for i = 1, 1000 do t[i] = i end return t end)()", small);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().rfind("table too large (more than 100 values)", 0), 0u) << big.error();
}

TEST(LuaRuntime, StringifiedNumberKeysForCjson) {
  State L;
  ToValueOptions cjson;
  cjson.stringify_number_keys = true;
  auto r = eval(L, "{ 1, name = 'x' }", cjson);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, json(R"({"1":1,"name":"x"})"));
}

TEST(LuaRuntime, DeepValuePushFailsAsLuaErrorNotCrash) {
  State L;
  Value v = Value::array();
  for (int i = 0; i < 5000; ++i) {
    Array wrapper;
    wrapper.push_back(std::move(v));
    v = Value(std::move(wrapper));
  }
  lua_pushcfunction(L, [](lua_State* S) {
    push_value(S, *static_cast<const Value*>(lua_touserdata(S, 1)));
    return 1;
  });
  lua_pushlightuserdata(L, &v);
  int status = pcall_traceback(L, 1, 1);
  if (status != 0) {
    EXPECT_NE(pop_error_message(L).find("nesting too deep"), std::string::npos);
  } else {
    lua_pop(L, 1);
  }
  EXPECT_EQ(lua_gettop(L), 0);
}

}  // namespace
}  // namespace kongdb::lua
