// The baseline of `kongdb config db_import` (BENCHMARKS.md): the same rows written by the raw
// driver, as fast as it writes them. Rows are read from a database an import filled (untimed),
// then written into a freshly bootstrapped one (timed): prepared inserts reused in one
// transaction on SQLite, COPY in one transaction on PostgreSQL.
//
//   raw_bulk_load sqlite SRC.db DST.db TABLE...            (parents first)
//   raw_bulk_load postgres CONNINFO SRC_SCHEMA DST_SCHEMA TABLE...
#include <libpq-fe.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int fail(const std::string& why) {
  std::fprintf(stderr, "raw_bulk_load: %s\n", why.c_str());
  return 1;
}

void report(size_t rows, Clock::time_point start) {
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%zu rows in %.3f s: %.0f rows/s\n", rows, seconds, static_cast<double>(rows) / seconds);
}

int sqlite_load(const char* src_path, const char* dst_path, const std::vector<std::string>& tables) {
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return fail("open source");
  if (sqlite3_open(dst_path, &dst) != SQLITE_OK) return fail("open target");
  // The settings kongdb's SQLite strategy uses.
  sqlite3_exec(dst, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", nullptr, nullptr,
               nullptr);
  struct Table {
    std::string name;
    int columns = 0;
    std::vector<std::vector<sqlite3_value*>> rows;
  };
  std::vector<Table> data;
  size_t total = 0;
  for (const std::string& name : tables) {
    Table t{name, 0, {}};
    sqlite3_stmt* read = nullptr;
    if (sqlite3_prepare_v2(src, ("SELECT * FROM \"" + name + "\"").c_str(), -1, &read, nullptr) != SQLITE_OK) {
      return fail(sqlite3_errmsg(src));
    }
    t.columns = sqlite3_column_count(read);
    while (sqlite3_step(read) == SQLITE_ROW) {
      std::vector<sqlite3_value*> row;
      for (int c = 0; c < t.columns; ++c) row.push_back(sqlite3_value_dup(sqlite3_column_value(read, c)));
      t.rows.push_back(std::move(row));
    }
    sqlite3_finalize(read);
    total += t.rows.size();
    data.push_back(std::move(t));
  }
  const auto start = Clock::now();
  sqlite3_exec(dst, "BEGIN", nullptr, nullptr, nullptr);
  for (const Table& t : data) {
    std::string sql = "INSERT INTO \"" + t.name + "\" VALUES (";
    for (int c = 0; c < t.columns; ++c) sql += c ? ",?" : "?";
    sql += ")";
    sqlite3_stmt* insert = nullptr;
    if (sqlite3_prepare_v2(dst, sql.c_str(), -1, &insert, nullptr) != SQLITE_OK) return fail(sqlite3_errmsg(dst));
    for (const auto& row : t.rows) {
      for (int c = 0; c < t.columns; ++c) sqlite3_bind_value(insert, c + 1, row[static_cast<size_t>(c)]);
      if (sqlite3_step(insert) != SQLITE_DONE) return fail(sqlite3_errmsg(dst));
      sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
  }
  if (sqlite3_exec(dst, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return fail(sqlite3_errmsg(dst));
  report(total, start);
  for (Table& t : data) {
    for (auto& row : t.rows) {
      for (sqlite3_value* v : row) sqlite3_value_free(v);
    }
  }
  sqlite3_close(src);
  sqlite3_close(dst);
  return 0;
}

bool exec(PGconn* conn, const std::string& sql) {
  PGresult* r = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) std::fprintf(stderr, "%s: %s", sql.c_str(), PQerrorMessage(conn));
  PQclear(r);
  return ok;
}

int postgres_load(const char* conninfo, const std::string& src_schema, const std::string& dst_schema,
                  const std::vector<std::string>& tables) {
  PGconn* conn = PQconnectdb(conninfo);
  if (PQstatus(conn) != CONNECTION_OK) return fail(PQerrorMessage(conn));
  std::vector<std::pair<std::string, std::string>> data;  // table, COPY text
  size_t total = 0;
  for (const std::string& name : tables) {
    PGresult* r = PQexec(conn, ("COPY \"" + src_schema + "\".\"" + name + "\" TO STDOUT").c_str());
    if (PQresultStatus(r) != PGRES_COPY_OUT) return fail(PQerrorMessage(conn));
    PQclear(r);
    std::string text;
    char* line = nullptr;
    int n = 0;
    while ((n = PQgetCopyData(conn, &line, 0)) > 0) {
      text.append(line, static_cast<size_t>(n));
      ++total;
      PQfreemem(line);
    }
    PQclear(PQgetResult(conn));
    data.emplace_back(name, std::move(text));
  }
  // The tags trigger names its table unqualified, as Kong's does.
  if (!exec(conn, "SET search_path TO \"" + dst_schema + "\"")) return 1;
  const auto start = Clock::now();
  if (!exec(conn, "BEGIN")) return 1;
  for (const auto& [name, text] : data) {
    PGresult* r = PQexec(conn, ("COPY \"" + dst_schema + "\".\"" + name + "\" FROM STDIN").c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) return fail(PQerrorMessage(conn));
    PQclear(r);
    if (PQputCopyData(conn, text.data(), static_cast<int>(text.size())) != 1 || PQputCopyEnd(conn, nullptr) != 1) {
      return fail(PQerrorMessage(conn));
    }
    PGresult* done = PQgetResult(conn);
    if (PQresultStatus(done) != PGRES_COMMAND_OK) return fail(PQerrorMessage(conn));
    PQclear(done);
  }
  if (!exec(conn, "COMMIT")) return 1;
  report(total, start);
  PQfinish(conn);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 5 && std::string(argv[1]) == "sqlite") {
    return sqlite_load(argv[2], argv[3], std::vector<std::string>(argv + 4, argv + argc));
  }
  if (argc >= 6 && std::string(argv[1]) == "postgres") {
    return postgres_load(argv[2], argv[3], argv[4], std::vector<std::string>(argv + 5, argv + argc));
  }
  return fail("usage: raw_bulk_load sqlite SRC DST TABLE... | postgres CONNINFO SRC_SCHEMA DST_SCHEMA TABLE...");
}
