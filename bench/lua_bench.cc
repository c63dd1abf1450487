// The Lua DB API against the same calls from C++, in the same run, on one SQLite file; plus
// Value <-> Lua table conversions.
//   cmake -S . -B build/rel -G Ninja -DCMAKE_BUILD_TYPE=Release -DKONGDB_BUILD_BENCH=ON
//   ninja -C build/rel kongdb_bench_lua && build/rel/bench/kongdb_bench_lua
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "kongdb/app/open.h"
#include "kongdb/core/json.h"
#include "kongdb/dao/db.h"
#include "kongdb/lua/runtime.h"
#include "kongdb/lua/singletons.h"

namespace {

using namespace kongdb;

// A fresh SQLite database with the core schema, a DB over it and a Lua State viewing it.
struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<dao::DB> db;
  std::unique_ptr<lua::State> state;
  Value service_id;

  Fixture() {
    char tmpl[] = "/tmp/kongdb-lua-bench-XXXXXX";
    dir = mkdtemp(tmpl);
    Config config;
    config.sqlite_path = (dir / "bench.sqlite").string();
    std::ostringstream log;
    auto created = app::open_db(config, log);  // bootstraps the new file, as `kongdb start` would
    if (!created) std::abort();
    db = std::move(*created);
    state = std::make_unique<lua::State>();
    lua::install_singletons(*state, *db);
    auto s = (*db)["services"].insert(Value::object({{"name", "bench"}, {"url", "http://mockbin.org/p"}}));
    if (!s) std::abort();
    service_id = *s->find("id");
    // Lua entry points, as plugin code would write them.
    auto ok = state->run_string(R"lua(
      local services = kong.db.services
      function lua_select(id)
        return services:select({ id = id })
      end
      function lua_insert(name)
        return services:insert({ name = name, url = "http://mockbin.org/p" })
      end
    )lua", "=bench");
    if (!ok) std::abort();
  }
  ~Fixture() {
    state.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// Calls global `fn` with one string argument; aborts on a Lua error or a nil result.
void call_lua(lua_State* L, const char* fn, const std::string& arg) {
  lua_getglobal(L, fn);
  lua_pushlstring(L, arg.data(), arg.size());
  if (lua::pcall_traceback(L, 1, 1) != 0 || lua_isnil(L, -1)) std::abort();
  lua_pop(L, 1);
}

void BM_SelectByPk_Cpp(benchmark::State& st) {
  Fixture& f = fixture();
  Value pk = Value::object({{"id", f.service_id}});
  dao::DAO& services = (*f.db)["services"];
  for (auto _ : st) {
    auto r = services.select(pk);
    if (!r || !*r) std::abort();
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_SelectByPk_Cpp);

void BM_SelectByPk_Lua(benchmark::State& st) {
  Fixture& f = fixture();
  const std::string id = f.service_id.as_string();
  for (auto _ : st) call_lua(*f.state, "lua_select", id);
}
BENCHMARK(BM_SelectByPk_Lua);

void BM_InsertService_Cpp(benchmark::State& st) {
  Fixture& f = fixture();
  dao::DAO& services = (*f.db)["services"];
  static int64_t n = 0;
  for (auto _ : st) {
    auto r = services.insert(Value::object({{"name", "cpp-" + std::to_string(++n)}, {"url", "http://mockbin.org/p"}}));
    if (!r) std::abort();
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_InsertService_Cpp);

void BM_InsertService_Lua(benchmark::State& st) {
  Fixture& f = fixture();
  static int64_t n = 0;
  for (auto _ : st) call_lua(*f.state, "lua_insert", "lua-" + std::to_string(++n));
}
BENCHMARK(BM_InsertService_Lua);

// A service entity as the DAO returns it.
Value sample_entity() {
  Fixture& f = fixture();
  auto r = (*f.db)["services"].select(Value::object({{"id", f.service_id}}), Value::object({{"nulls", true}}));
  if (!r || !*r) std::abort();
  Value v = **r;
  v.as_object().set("tags", Value::array({"a", "b", "c"}));
  return v;
}

void BM_ValueToLua(benchmark::State& st) {
  Fixture& f = fixture();
  Value v = sample_entity();
  lua_State* L = *f.state;
  for (auto _ : st) {
    lua::push_value(L, v);
    lua_pop(L, 1);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_ValueToLua);

void BM_LuaToValue(benchmark::State& st) {
  Fixture& f = fixture();
  lua_State* L = *f.state;
  lua::push_value(L, sample_entity());
  for (auto _ : st) {
    auto v = lua::to_value(L, -1);
    if (!v) std::abort();
    benchmark::DoNotOptimize(v);
  }
  lua_pop(L, 1);
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_LuaToValue);

}  // namespace
