// The DAO's own cost: the same DAO calls on the memory backend (no storage cost worth the name)
// next to SQLite (a WAL file under /tmp), in the same run.
//   cmake --preset release && cmake --build --preset release --target kongdb_bench_memory
//   build/release/bench/kongdb_bench_memory
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kongdb/dao/db.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/strategy/memory.h"
#include "kongdb/strategy/sqlite.h"

namespace {

using namespace kongdb;

enum class Backend { Memory, Sqlite };

// A fresh database with the core schema and 1000 services.
struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<dao::DB> db;
  std::vector<Value> ids;
  std::string middle_offset;  // the token of page 5 of 10 (100 rows each)

  explicit Fixture(Backend backend) {
    auto registry = std::make_shared<const schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
    Result<std::unique_ptr<strategy::Connector>> connector = strategy::open_memory();
    if (backend == Backend::Sqlite) {
      char tmpl[] = "/tmp/kongdb-bench-XXXXXX";
      dir = mkdtemp(tmpl);
      connector = strategy::open_sqlite({(dir / "bench.sqlite").string()});
    }
    if (!connector) std::abort();
    std::ostringstream log;
    migrations::Runner runner(**connector, *registry);
    if (!runner.bootstrap(log)) std::abort();
    auto created = dao::DB::create(std::move(*connector), registry);
    if (!created) std::abort();
    db = std::move(*created);
    dao::DAO& services = (*db)["services"];
    for (int i = 0; i < 1000; ++i) {
      auto row = services.insert(service_input(i));
      if (!row) std::abort();
      ids.push_back(Value::object({{"id", *row->find("id")}}));
    }
    std::optional<std::string> offset;
    for (int page = 0; page < 5; ++page) offset = services.page(100, offset)->offset;
    middle_offset = *offset;
  }
  ~Fixture() {
    db.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }

  static Value service_input(int i) {
    return Value::object({{"name", "svc-" + std::to_string(i)},
                          {"url", "http://upstream-" + std::to_string(i) + ".example.com:8080/api"},
                          {"tags", Value::array({"bench", "team-a"})}});
  }
};

void BM_select_by_pk(benchmark::State& state, Backend backend) {
  Fixture f(backend);
  dao::DAO& services = (*f.db)["services"];
  size_t i = 0;
  for (auto _ : state) {
    auto row = services.select(f.ids[i++ % f.ids.size()]);
    if (!row || !*row) state.SkipWithError("select failed");
    benchmark::DoNotOptimize(row);
  }
}

// One service per iteration, each its own write (SQLite commits each one).
void BM_insert(benchmark::State& state, Backend backend) {
  Fixture f(backend);
  dao::DAO& services = (*f.db)["services"];
  int i = 1000;
  for (auto _ : state) {
    auto row = services.insert(Fixture::service_input(i++));
    if (!row) state.SkipWithError(row.error().message.c_str());
    benchmark::DoNotOptimize(row);
  }
}

// page(100) from the middle of 1000 rows, through an offset token.
void BM_page_100(benchmark::State& state, Backend backend) {
  Fixture f(backend);
  dao::DAO& services = (*f.db)["services"];
  for (auto _ : state) {
    auto page = services.page(100, f.middle_offset);
    if (!page || page->rows.size() != 100) state.SkipWithError("page failed");
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations() * 100);
}

}  // namespace

BENCHMARK_CAPTURE(BM_select_by_pk, memory, Backend::Memory)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_select_by_pk, sqlite, Backend::Sqlite)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_insert, memory, Backend::Memory)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_insert, sqlite, Backend::Sqlite)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_page_100, memory, Backend::Memory)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_page_100, sqlite, Backend::Sqlite)->Unit(benchmark::kMicrosecond);
