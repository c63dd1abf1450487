// The cjson / cjson.safe module: OpenResty's API surface, [] vs {}, null, errors.
#include <gtest/gtest.h>

#include <string>

#include "kongdb/lua/runtime.h"

namespace kongdb::lua {
namespace {

void run_ok(State& L, const char* code) {
  auto r = L.run_string(code, "=cjson");
  EXPECT_TRUE(r) << r.error();
}

TEST(Cjson, EncodesScalarsTablesAndNull) {
  State L;
  run_ok(L, R"lua(
    local cjson = require "cjson"
    assert(cjson.encode({ a = 1 }) == '{"a":1}')
    assert(cjson.encode({ 1, 2, 3 }) == '[1,2,3]')
    assert(cjson.encode({}) == '{}')
    assert(cjson.encode("a/b") == '"a\\/b"')
    assert(cjson.encode(1.5) == '1.5')
    assert(cjson.encode(true) == 'true')
    assert(cjson.encode(cjson.null) == 'null')
    assert(cjson.null == ngx.null)
    assert(cjson.encode({ a = cjson.null }) == '{"a":null}')
    assert(cjson.encode({ 1, name = "x" }) == '{"1":1,"name":"x"}')
  )lua");
}

TEST(Cjson, ArrayMarkersKeepEmptyArrays) {
  State L;
  run_ok(L, R"lua(
    local cjson = require "cjson"
    assert(cjson.encode(setmetatable({}, cjson.array_mt)) == '[]')
    assert(cjson.encode(setmetatable({}, cjson.empty_array_mt)) == '[]')
    assert(cjson.encode(setmetatable({ a = 1 }, cjson.empty_array_mt)) == '{"a":1}')
    assert(cjson.encode(cjson.empty_array) == '[]')
    assert(cjson.encode({ list = cjson.empty_array }) == '{"list":[]}')
    assert(cjson.encode_empty_table_as_object(false) == false)
    assert(cjson.encode({}) == '[]')
    cjson.encode_empty_table_as_object(true)
    assert(cjson.encode({}) == '{}')
  )lua");
}

TEST(Cjson, DecodeWithAndWithoutArrayMt) {
  State L;
  run_ok(L, R"lua(
    local cjson = require "cjson"
    local t = cjson.decode('{"a":null,"list":[],"obj":{},"n":[1,2]}')
    assert(t.a == cjson.null and #t.n == 2)
    assert(getmetatable(t.list) == nil)
    assert(cjson.encode(t.list) == '{}')   -- plain cjson loses [] without array_mt
    cjson.decode_array_with_array_mt(true)
    local t2 = cjson.decode('{"list":[],"obj":{}}')
    assert(getmetatable(t2.list) == cjson.array_mt)
    assert(cjson.encode(t2.list) == '[]' and cjson.encode(t2.obj) == '{}')
    local round = cjson.decode(cjson.encode(t2))
    assert(cjson.encode(round) == '{"list":[],"obj":{}}', cjson.encode(round))
  )lua");
}

TEST(Cjson, ErrorsRaiseOrReturnInSafeMode) {
  State L;
  run_ok(L, R"lua(
    local cjson = require "cjson"
    local safe = require "cjson.safe"
    local ok, err = pcall(cjson.decode, '{"a":')
    assert(not ok and type(err) == "string")
    local v, serr = safe.decode('{"a":')
    assert(v == nil and type(serr) == "string")
    local ok2, err2 = pcall(cjson.encode, { f = print })
    assert(not ok2 and err2:find("function", 1, true), err2)
    local cyclic = {}
    cyclic.self = cyclic
    local e, eerr = safe.encode(cyclic)
    assert(e == nil and eerr:find("cycle", 1, true), eerr)
    local n, nerr = safe.encode(0 / 0)
    assert(n == nil and nerr:find("NaN", 1, true), nerr)
    local deep = {}
    for i = 1, 2000 do deep = { deep } end
    local d, derr = safe.encode(deep)
    assert(d == nil and derr:find("too deep", 1, true), derr)
  )lua");
}

TEST(Cjson, NewInstancesHaveTheirOwnSettings) {
  State L;
  run_ok(L, R"lua(
    local cjson = require "cjson"
    local other = cjson.new()
    other.encode_escape_forward_slash(false)
    assert(other.encode("a/b") == '"a/b"')
    assert(cjson.encode("a/b") == '"a\\/b"')
    local safe2 = require("cjson.safe").new()
    assert(safe2.decode("nope") == nil)
    assert(cjson.encode_max_depth(50) == 50)
    assert(cjson.encode_number_precision(16) == 16)
    assert(type(cjson.encode_sparse_array()) == "boolean")
    assert(not pcall(cjson.encode_empty_table_as_object, 42))
  )lua");
}

}  // namespace
}  // namespace kongdb::lua
