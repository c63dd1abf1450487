// A cjson-compatible module (OpenResty's lua-cjson API surface) on the project's JSON library,
// preloaded into every lua::State as `cjson` and `cjson.safe`:
//
//   local cjson = require "cjson"
//   cjson.encode(setmetatable({}, cjson.array_mt))   --> "[]"
//   cjson.decode('{"a":null}').a == cjson.null        --> true (cjson.null == ngx.null)
//
// Functions: encode, decode, new, encode_empty_table_as_object, decode_array_with_array_mt,
// encode_escape_forward_slash, encode_max_depth, decode_max_depth, encode_sparse_array,
// encode_number_precision, encode_invalid_numbers, decode_invalid_numbers, encode_keep_buffer;
// values null, array_mt, empty_array_mt, empty_array. `cjson.safe` returns `nil, err` where
// `cjson` raises.
#pragma once

#include <lua.hpp>

namespace kongdb::lua {

/// package.preload entries for "cjson" and "cjson.safe".
void preload_cjson(lua_State* L);

}  // namespace kongdb::lua
