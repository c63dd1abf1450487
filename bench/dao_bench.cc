// DAO over SQLite against the raw SQLite C API with prepared statements, on the same table
// layout, in the same run.
//   cmake --preset release && cmake --build --preset release --target kongdb_bench_dao
//   build/release/bench/kongdb_bench_dao
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kongdb/app/open.h"
#include "kongdb/core/json.h"
#include "kongdb/dao/db.h"

namespace {

using namespace kongdb;

// A fresh database file with the core schema, opened both through the DAO and raw.
struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<dao::DB> db;
  sqlite3* raw = nullptr;

  Fixture() {
    char tmpl[] = "/tmp/kongdb-bench-XXXXXX";
    dir = mkdtemp(tmpl);
    std::string path = (dir / "bench.sqlite").string();
    Config config;
    config.sqlite_path = path;
    std::ostringstream log;
    auto created = app::open_db(config, log);  // bootstraps the new file, as `kongdb start` would
    if (!created) std::abort();
    db = std::move(*created);
    if (sqlite3_open(path.c_str(), &raw) != SQLITE_OK) std::abort();
    sqlite3_exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                 "PRAGMA cache_size=-16384;", nullptr,
                 nullptr, nullptr);
  }
  ~Fixture() {
    sqlite3_close(raw);
    db.reset();
    std::filesystem::remove_all(dir);
  }

  std::vector<std::string> columns(const char* table) const {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(raw, ("PRAGMA table_info(" + std::string(table) + ")").c_str(), -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
    sqlite3_finalize(st);
    return out;
  }
};

Value service_input(int i) {
  return Value::object({{"name", "svc-" + std::to_string(i)},
                        {"url", "http://upstream-" + std::to_string(i) + ".example.com:8080/api"},
                        {"tags", Value::array({"bench", "team-a"})}});
}

// The same row the DAO stores, bound column by column: what a hand-written store would do.
void bind_service(sqlite3_stmt* st, const std::vector<std::string>& cols, int i, const std::string& ws_id) {
  static thread_local IdGenerator& ids = random_ids();
  for (size_t c = 0; c < cols.size(); ++c) {
    const std::string& col = cols[c];
    int p = static_cast<int>(c + 1);
    if (col == "id") {
      std::string id = ids.uuid();
      sqlite3_bind_text(st, p, id.c_str(), -1, SQLITE_TRANSIENT);
    } else if (col == "created_at" || col == "updated_at") {
      sqlite3_bind_int64(st, p, 1700000000);
    } else if (col == "name") {
      std::string name = "svc-" + std::to_string(i);
      sqlite3_bind_text(st, p, name.c_str(), -1, SQLITE_TRANSIENT);
    } else if (col == "retries") {
      sqlite3_bind_int64(st, p, 5);
    } else if (col == "protocol") {
      sqlite3_bind_text(st, p, "http", -1, SQLITE_STATIC);
    } else if (col == "host") {
      std::string host = "upstream-" + std::to_string(i) + ".example.com";
      sqlite3_bind_text(st, p, host.c_str(), -1, SQLITE_TRANSIENT);
    } else if (col == "port") {
      sqlite3_bind_int64(st, p, 8080);
    } else if (col == "path") {
      sqlite3_bind_text(st, p, "/api", -1, SQLITE_STATIC);
    } else if (col.find("timeout") != std::string::npos) {
      sqlite3_bind_int64(st, p, 60000);
    } else if (col == "tags") {
      sqlite3_bind_text(st, p, R"(["bench","team-a"])", -1, SQLITE_STATIC);
    } else if (col == "enabled") {
      sqlite3_bind_int64(st, p, 1);
    } else if (col == "ws_id") {
      sqlite3_bind_text(st, p, ws_id.c_str(), -1, SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(st, p);
    }
  }
}

std::string insert_sql(const char* table, const std::vector<std::string>& cols) {
  std::string sql = "INSERT INTO " + std::string(table) + " (";
  std::string marks;
  for (size_t i = 0; i < cols.size(); ++i) {
    sql += (i ? ", " : "") + cols[i];
    marks += i ? ", ?" : "?";
  }
  return sql + ") VALUES (" + marks + ")";
}

// A raw row turned into an entity: every column into a Value, JSON columns decoded.
Value raw_row_to_value(sqlite3_stmt* st) {
  Object o;
  int n = sqlite3_column_count(st);
  for (int c = 0; c < n; ++c) {
    const char* name = sqlite3_column_name(st, c);
    switch (sqlite3_column_type(st, c)) {
      case SQLITE_INTEGER:
        o.set(name, Value(static_cast<long long>(sqlite3_column_int64(st, c))));
        break;
      case SQLITE_FLOAT:
        o.set(name, Value(sqlite3_column_double(st, c)));
        break;
      case SQLITE_TEXT: {
        std::string_view text(reinterpret_cast<const char*>(sqlite3_column_text(st, c)),
                              static_cast<size_t>(sqlite3_column_bytes(st, c)));
        if (!text.empty() && (text[0] == '[' || text[0] == '{')) {
          auto v = json::parse(text);
          o.set(name, v ? std::move(*v) : Value(text));
        } else {
          o.set(name, Value(text));
        }
        break;
      }
      default:
        o.set(name, Value());
    }
  }
  return Value(std::move(o));
}

constexpr int kBatch = 10000;

// Each iteration inserts 10k new services (names unique across iterations) in one transaction.
void BM_insert_10k_services_in_one_transaction_dao(benchmark::State& state) {
  Fixture f;
  dao::DAO& services = f.db->operator[]("services");
  int base = 0;
  for (auto _ : state) {
    auto r = f.db->connector().transaction([&]() -> Result<void> {
      for (int i = 0; i < kBatch; ++i) {
        auto row = services.insert(service_input(base + i));
        if (!row) return row.error();
      }
      return {};
    });
    if (!r) state.SkipWithError(r.error().message.c_str());
    base += kBatch;
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void BM_insert_10k_services_in_one_transaction_raw(benchmark::State& state) {
  Fixture f;
  auto cols = f.columns("services");
  std::string ws = f.db->default_workspace_id();
  f.db.reset();
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(f.raw, insert_sql("services", cols).c_str(), -1, &st, nullptr);
  int base = 0;
  for (auto _ : state) {
    sqlite3_exec(f.raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (int i = 0; i < kBatch; ++i) {
      bind_service(st, cols, base + i, ws);
      if (sqlite3_step(st) != SQLITE_DONE) state.SkipWithError(sqlite3_errmsg(f.raw));
      sqlite3_reset(st);
    }
    sqlite3_exec(f.raw, "COMMIT", nullptr, nullptr, nullptr);
    base += kBatch;
  }
  sqlite3_finalize(st);
  state.SetItemsProcessed(state.iterations() * kBatch);
}

// A table of 1000 services to read from.
struct ReadFixture : Fixture {
  std::vector<Value> ids;
  ReadFixture() {
    dao::DAO& services = db->operator[]("services");
    for (int i = 0; i < 1000; ++i) ids.push_back((*services.insert(service_input(i))).find("id")->as_string());
  }
};

void BM_select_by_pk_dao(benchmark::State& state) {
  ReadFixture f;
  dao::DAO& services = f.db->operator[]("services");
  size_t i = 0;
  for (auto _ : state) {
    auto row = services.select(Value::object({{"id", f.ids[i++ % f.ids.size()]}}));
    if (!row || !*row) state.SkipWithError("select failed");
    benchmark::DoNotOptimize(row);
  }
}

void BM_select_by_pk_raw(benchmark::State& state) {
  ReadFixture f;
  std::string ws = f.db->default_workspace_id();
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(f.raw, "SELECT * FROM services WHERE id = ? AND ws_id = ?", -1, &st, nullptr);
  size_t i = 0;
  for (auto _ : state) {
    const std::string& id = f.ids[i++ % f.ids.size()].as_string();
    sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ws.c_str(), -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) state.SkipWithError("raw select failed");
    Value row = raw_row_to_value(st);
    benchmark::DoNotOptimize(row);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
}

void BM_select_by_name_dao(benchmark::State& state) {
  ReadFixture f;
  dao::DAO& services = f.db->operator[]("services");
  int i = 0;
  for (auto _ : state) {
    auto row = services.select_by("name", Value("svc-" + std::to_string(i++ % 1000)));
    if (!row || !*row) state.SkipWithError("select_by failed");
    benchmark::DoNotOptimize(row);
  }
}

void BM_select_by_name_raw(benchmark::State& state) {
  ReadFixture f;
  std::string ws = f.db->default_workspace_id();
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(f.raw, "SELECT * FROM services WHERE name = ? AND ws_id = ?", -1, &st, nullptr);
  int i = 0;
  for (auto _ : state) {
    std::string name = "svc-" + std::to_string(i++ % 1000);
    sqlite3_bind_text(st, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, ws.c_str(), -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) state.SkipWithError("raw select failed");
    Value row = raw_row_to_value(st);
    benchmark::DoNotOptimize(row);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
}

// 100k consumers paged by 1000: the first page against the last one (keyset pagination).
struct PagingFixture : Fixture {
  std::string last_offset;
  PagingFixture() {
    dao::DAO& consumers = db->operator[]("consumers");
    auto r = db->connector().transaction([&]() -> Result<void> {
      for (int i = 0; i < 100000; ++i) {
        auto row = consumers.insert(Value::object({{"username", "user-" + std::to_string(i)}}));
        if (!row) return row.error();
      }
      return {};
    });
    if (!r) std::abort();
    std::optional<std::string> offset;
    while (true) {
      auto page = consumers.page(1000, offset);
      if (!page || !page->offset) break;
      last_offset = *page->offset;  // the token that fetches the page after this one
      offset = page->offset;
    }
  }
};

PagingFixture& paging_fixture() {
  static PagingFixture f;
  return f;
}

void BM_page_consumers_first_page(benchmark::State& state) {
  PagingFixture& f = paging_fixture();
  dao::DAO& consumers = f.db->operator[]("consumers");
  for (auto _ : state) {
    auto page = consumers.page(1000);
    if (!page || page->rows.size() != 1000) state.SkipWithError("page failed");
    benchmark::DoNotOptimize(page);
  }
}

void BM_page_consumers_last_page(benchmark::State& state) {
  PagingFixture& f = paging_fixture();
  dao::DAO& consumers = f.db->operator[]("consumers");
  for (auto _ : state) {
    auto page = consumers.page(1000, f.last_offset);
    if (!page || page->rows.size() != 1000 || page->offset) state.SkipWithError("last page failed");
    benchmark::DoNotOptimize(page);
  }
}

}  // namespace

BENCHMARK(BM_insert_10k_services_in_one_transaction_dao)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_insert_10k_services_in_one_transaction_raw)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_select_by_pk_dao)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_select_by_pk_raw)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_select_by_name_dao)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_select_by_name_raw)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_page_consumers_first_page)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_page_consumers_last_page)->Unit(benchmark::kMillisecond);
