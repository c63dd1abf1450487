// DAO over PostgreSQL against raw libpq with prepared statements on the same table, same run.
// Needs a server: run under scripts/with_postgres.sh (fsync=off, synchronous_commit=off).
//   cmake --preset release && cmake --build --preset release --target kongdb_bench_pg
//   bash scripts/with_postgres.sh build/release/bench/kongdb_bench_pg
#include <benchmark/benchmark.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kongdb/app/open.h"
#include "kongdb/core/json.h"
#include "kongdb/dao/db.h"
#include "kongdb/migrations/migrations.h"

namespace {

using namespace kongdb;

std::string env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// One schema per process, opened through the DAO and through a raw libpq connection.
struct PgFixture {
  std::string schema = "bench_" + std::to_string(getpid());
  std::unique_ptr<dao::DB> db;
  PGconn* raw = nullptr;
  std::string ws_id;

  PgFixture() {
    const std::string host = env("KONG_PG_HOST", "127.0.0.1"), port = env("KONG_PG_PORT", "5432"),
                      user = env("KONG_PG_USER", "kong"), database = env("KONG_PG_DATABASE", "kong");
    Config config;
    config.database = "postgres";
    config.raw = {{"pg_host", host}, {"pg_port", port}, {"pg_user", user}, {"pg_database", database},
                  {"pg_schema", schema},
                  {"pg_max_concurrent_queries", "1"}};  // one connection, as the raw side
    auto connector = app::open_connector(config);
    if (!connector) std::abort();
    // A server database is bootstrapped explicitly, as `kongdb migrations bootstrap` does.
    auto registry = app::shared_registry();
    std::ostringstream log;
    migrations::Runner runner(*connector->connector, *registry);
    if (!runner.bootstrap(log)) std::abort();
    auto created = dao::DB::create(std::move(connector->connector), registry);
    if (!created) std::abort();
    db = std::move(*created);
    ws_id = db->default_workspace_id();
    std::string conninfo = "host=" + host + " port=" + port + " user=" + user + " dbname=" + database;
    raw = PQconnectdb(conninfo.c_str());
    if (PQstatus(raw) != CONNECTION_OK) std::abort();
    PQclear(PQexec(raw, ("SET search_path TO " + schema).c_str()));
    PQclear(PQprepare(raw, "insert",
                      "INSERT INTO services (id, created_at, updated_at, name, retries, protocol, host, port, "
                      "path, connect_timeout, write_timeout, read_timeout, tags, enabled, ws_id) VALUES "
                      "($1::uuid, to_timestamp($2::float8), to_timestamp($3::float8), $4, $5::bigint, $6, $7, "
                      "$8::bigint, $9, $10::bigint, $11::bigint, $12::bigint, $13::text[], $14::boolean, $15::uuid)",
                      15, nullptr));
    PQclear(PQprepare(raw, "select",
                      "SELECT id, floor(extract(epoch from created_at))::bigint AS created_at, "
                      "floor(extract(epoch from updated_at))::bigint AS updated_at, name, retries, protocol, host, "
                      "port, path, connect_timeout, write_timeout, read_timeout, array_to_json(tags)::text AS tags, "
                      "client_certificate_id, tls_verify, tls_verify_depth, array_to_json(ca_certificates)::text "
                      "AS ca_certificates, enabled, ws_id FROM services WHERE id = $1::uuid",
                      1, nullptr));
  }
  ~PgFixture() {
    PQclear(PQexec(raw, ("DROP SCHEMA " + schema + " CASCADE").c_str()));
    PQfinish(raw);
  }
};

PgFixture& fixture() {
  static PgFixture f;
  return f;
}

Value service_input(const std::string& name) {
  return Value::object({{"name", name},
                        {"url", "http://" + name + ".example.com:8080/api"},
                        {"tags", Value::array({"bench", "team-a"})}});
}

// The values the DAO would store for service_input(name), as libpq text parameters.
struct RawService {
  std::vector<std::string> values;
  std::vector<const char*> params;
  RawService(const std::string& name, const std::string& ws_id) {
    values = {random_ids().uuid(), "1700000000", "1700000000", name, "5", "http",
              name + ".example.com", "8080", "/api", "60000", "60000", "60000", "{bench,team-a}", "true", ws_id};
    for (const auto& v : values) params.push_back(v.c_str());
  }
};

// A text-format row turned into an entity, as the DAO returns it.
Value raw_row_to_value(PGresult* res, int row) {
  Object o;
  for (int c = 0; c < PQnfields(res); ++c) {
    const char* name = PQfname(res, c);
    if (PQgetisnull(res, row, c)) {
      o.set(name, Value());
      continue;
    }
    std::string_view text(PQgetvalue(res, row, c), static_cast<size_t>(PQgetlength(res, row, c)));
    Oid type = PQftype(res, c);
    if (type == 20) {  // int8
      o.set(name, Value(std::stoll(std::string(text))));
    } else if (type == 16) {  // bool
      o.set(name, Value(text == "t"));
    } else if (!text.empty() && text[0] == '[') {
      auto v = json::parse(text);
      o.set(name, v ? std::move(*v) : Value(text));
    } else {
      o.set(name, Value(text));
    }
  }
  return Value(std::move(o));
}

int counter = 0;
std::string next_name() { return "svc-" + std::to_string(getpid()) + "-" + std::to_string(++counter); }

void BM_pg_insert_autocommit_dao(benchmark::State& state) {
  dao::DAO& services = fixture().db->operator[]("services");
  for (auto _ : state) {
    auto row = services.insert(service_input(next_name()));
    if (!row) state.SkipWithError(row.error().message.c_str());
  }
}

void BM_pg_insert_autocommit_raw(benchmark::State& state) {
  PgFixture& f = fixture();
  for (auto _ : state) {
    RawService s(next_name(), f.ws_id);
    PGresult* r = PQexecPrepared(f.raw, "insert", 15, s.params.data(), nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) state.SkipWithError(PQresultErrorMessage(r));
    PQclear(r);
  }
}

std::vector<std::string>& service_ids() {
  static std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    dao::DAO& services = fixture().db->operator[]("services");
    for (int i = 0; i < 200; ++i) out.push_back((*services.insert(service_input(next_name()))).find("id")->as_string());
    return out;
  }();
  return ids;
}

void BM_pg_select_by_pk_dao(benchmark::State& state) {
  dao::DAO& services = fixture().db->operator[]("services");
  auto& ids = service_ids();
  size_t i = 0;
  for (auto _ : state) {
    auto row = services.select(Value::object({{"id", ids[i++ % ids.size()]}}));
    if (!row || !*row) state.SkipWithError("select failed");
    benchmark::DoNotOptimize(row);
  }
}

void BM_pg_select_by_pk_raw(benchmark::State& state) {
  PgFixture& f = fixture();
  auto& ids = service_ids();
  size_t i = 0;
  for (auto _ : state) {
    const char* param = ids[i++ % ids.size()].c_str();
    PGresult* r = PQexecPrepared(f.raw, "select", 1, &param, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) state.SkipWithError("raw select failed");
    Value row = raw_row_to_value(r, 0);
    benchmark::DoNotOptimize(row);
    PQclear(r);
  }
}

constexpr int kBulk = 1000;

// The bulk path: many inserts in one transaction through the DAO ...
void BM_pg_bulk_insert_1000_in_one_transaction_dao(benchmark::State& state) {
  PgFixture& f = fixture();
  dao::DAO& services = f.db->operator[]("services");
  for (auto _ : state) {
    auto r = f.db->connector().transaction([&]() -> Result<void> {
      for (int i = 0; i < kBulk; ++i) {
        auto row = services.insert(service_input(next_name()));
        if (!row) return row.error();
      }
      return {};
    });
    if (!r) state.SkipWithError(r.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations() * kBulk);
}

// ... against raw libpq pipelining the same inserts in one transaction.
void BM_pg_bulk_insert_1000_pipelined_raw(benchmark::State& state) {
  PgFixture& f = fixture();
  for (auto _ : state) {
    std::vector<RawService> batch;
    batch.reserve(kBulk);
    for (int i = 0; i < kBulk; ++i) batch.emplace_back(next_name(), f.ws_id);
    PQenterPipelineMode(f.raw);
    PQsendQueryParams(f.raw, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0);
    for (auto& s : batch) PQsendQueryPrepared(f.raw, "insert", 15, s.params.data(), nullptr, nullptr, 0);
    PQsendQueryParams(f.raw, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0);
    PQpipelineSync(f.raw);
    // Results arrive per query (each followed by a null), then the sync marker.
    while (true) {
      PGresult* r = PQgetResult(f.raw);
      if (!r) continue;
      ExecStatusType st = PQresultStatus(r);
      if (st == PGRES_FATAL_ERROR) state.SkipWithError(PQresultErrorMessage(r));
      PQclear(r);
      if (st == PGRES_PIPELINE_SYNC) break;
    }
    PQexitPipelineMode(f.raw);
  }
  state.SetItemsProcessed(state.iterations() * kBulk);
}

}  // namespace

BENCHMARK(BM_pg_insert_autocommit_dao)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_pg_insert_autocommit_raw)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_pg_select_by_pk_dao)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_pg_select_by_pk_raw)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_pg_bulk_insert_1000_in_one_transaction_dao)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_pg_bulk_insert_1000_pipelined_raw)->Unit(benchmark::kMillisecond)->Iterations(5);
