// The PostgreSQL connection pool: lazy connects, reconnect of broken connections, prepared
// statements cached per connection, transactions pinned to one connection. Written for kongdb.
#include <cstdlib>
#include <string>
#include <utility>

#include "strategy/postgres/pg_dialect.h"

namespace kongdb::strategy::postgres {

namespace {

// Dynamic statements (partial updates, tag filters) vary; cap each connection's cache.
constexpr size_t kMaxPrepared = 512;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

PgError conn_error(PGconn* pg, std::string fallback = "connection to the database failed") {
  PgError e;
  e.connection = true;
  e.sqlstate = "08006";
  std::string msg = pg ? trim(PQerrorMessage(pg)) : std::string();
  e.message = msg.empty() ? std::move(fallback) : std::move(msg);
  return e;
}

PgError result_error(PGconn* pg, const PGresult* r) {
  PgError e;
  auto field = [&](int code) {
    const char* v = r ? PQresultErrorField(r, code) : nullptr;
    return std::string(v ? v : "");
  };
  e.sqlstate = field(PG_DIAG_SQLSTATE);
  e.constraint = field(PG_DIAG_CONSTRAINT_NAME);
  e.table = field(PG_DIAG_TABLE_NAME);
  e.message = field(PG_DIAG_MESSAGE_PRIMARY);
  if (e.message.empty()) e.message = trim(r ? PQresultErrorMessage(r) : PQerrorMessage(pg));
  if (e.message.empty()) e.message = trim(PQerrorMessage(pg));
  e.connection = PQstatus(pg) != CONNECTION_OK || e.sqlstate.rfind("08", 0) == 0 || e.sqlstate.empty();
  return e;
}

struct ResultPtr {
  PGresult* r;
  ~ResultPtr() { PQclear(r); }
};

}  // namespace

Error db_error(std::string message) { return sql::db_error<Dialect>(std::move(message)); }

Db::Db(ConnParams params, int pool_size, Clock* clock, std::unique_ptr<Db> replica)
    : params_(std::move(params)),
      pool_size_(pool_size < 1 ? 1 : pool_size),
      clock_(clock),
      replica_(std::move(replica)) {}

Db::~Db() {
  for (auto& c : all_) PQfinish(c->pg);
}

Db::Conn* Db::pinned() {
  std::lock_guard lock(mu_);
  auto it = pins_.find(std::this_thread::get_id());
  return it == pins_.end() ? nullptr : it->second.conn;
}

bool Db::in_transaction() { return pinned() != nullptr; }

tl::expected<void, PgError> Db::make_ready(Conn& c) {
  if (!c.pg) {
    const std::string port = std::to_string(params_.port);
    const std::string timeout = std::to_string(params_.timeout_ms <= 0 ? 0 : (params_.timeout_ms + 999) / 1000);
    const char* sslmode = !params_.ssl ? "disable" : params_.ssl_verify ? "verify-full" : "require";
    const char* keys[] = {"host", "port", "user", "password", "dbname", "connect_timeout",
                          "sslmode", "application_name", nullptr};
    const char* vals[] = {params_.host.c_str(), port.c_str(), params_.user.c_str(),
                          params_.password.empty() ? nullptr : params_.password.c_str(),
                          params_.database.c_str(), timeout.c_str(), sslmode, "kongdb", nullptr};
    // libpq stops at the first null key; skip an empty password by compacting.
    const char* k2[9];
    const char* v2[9];
    int n = 0;
    for (int i = 0; keys[i]; ++i) {
      if (!vals[i]) continue;
      k2[n] = keys[i];
      v2[n] = vals[i];
      ++n;
    }
    k2[n] = nullptr;
    v2[n] = nullptr;
    c.pg = PQconnectdbParams(k2, v2, 0);
    c.prepared.clear();
    if (PQstatus(c.pg) != CONNECTION_OK) return tl::unexpected(conn_error(c.pg));
  } else if (PQstatus(c.pg) != CONNECTION_OK) {
    // Server-side prepared statements die with the session.
    c.prepared.clear();
    PQreset(c.pg);
    if (PQstatus(c.pg) != CONNECTION_OK) return tl::unexpected(conn_error(c.pg));
  } else if (c.generation == generation_.load()) {
    return {};
  } else {
    c.generation = generation_.load();
    c.prepared.clear();
    if (auto r = exec_on(c, "DEALLOCATE ALL"); !r) return tl::unexpected(conn_error(c.pg, r.error().message));
    return {};
  }
  c.generation = generation_.load();
  // Kong runs every session in UTC, with the configured schema first on the search path.
  std::string setup = "SET TIME ZONE 'UTC'; SET client_min_messages TO warning";
  if (!params_.schema.empty()) setup += "; SET search_path TO " + sql::ident(params_.schema);
  if (auto r = exec_on(c, setup); !r) return tl::unexpected(conn_error(c.pg, r.error().message));
  return {};
}

tl::expected<Db::Conn*, PgError> Db::take() {
  Conn* c = nullptr;
  {
    std::unique_lock lock(mu_);
    freed_.wait(lock, [&] { return !idle_.empty() || static_cast<int>(all_.size()) < pool_size_; });
    if (!idle_.empty()) {
      c = idle_.back();
      idle_.pop_back();
    } else {
      all_.push_back(std::make_unique<Conn>());
      c = all_.back().get();
    }
  }
  if (auto ready = make_ready(*c); !ready) {
    give_back(c);
    return tl::unexpected(ready.error());
  }
  return c;
}

void Db::give_back(Conn* c) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(c);
  }
  freed_.notify_one();
}

// A connection for one statement: the thread's pinned one, or one borrowed from the pool.
class Db::Lease {
 public:
  explicit Lease(Db& db) : db_(db) {}
  ~Lease() {
    if (conn_ && !pinned_) db_.give_back(conn_);
  }
  tl::expected<Conn*, PgError> get() {
    if ((conn_ = db_.pinned())) {
      pinned_ = true;
      return conn_;
    }
    auto c = db_.take();
    if (!c) return c;
    conn_ = *c;
    return conn_;
  }
  bool pinned() const { return pinned_; }

 private:
  Db& db_;
  Conn* conn_ = nullptr;
  bool pinned_ = false;
};

tl::expected<QueryResult, PgError> Db::run_on(Conn& c, const Sql& sql) {
  std::vector<const char*> values;
  values.reserve(sql.params.size());
  for (const Param& p : sql.params) {
    // Text parameters are C strings: a NUL would silently truncate the value.
    if (p && p->find('\0') != std::string::npos) {
      PgError e;
      e.sqlstate = "22021";
      e.message = "invalid byte sequence for encoding \"UTF8\": 0x00";
      return tl::unexpected(std::move(e));
    }
    values.push_back(p ? p->c_str() : nullptr);
  }
  auto it = c.prepared.find(sql.text);
  if (it == c.prepared.end()) {
    if (c.prepared.size() >= kMaxPrepared) {
      if (auto r = exec_on(c, "DEALLOCATE ALL"); !r) return tl::unexpected(result_error(c.pg, nullptr));
      c.prepared.clear();
    }
    std::string name = "kongdb_" + std::to_string(++c.next_id);
    ResultPtr prep{PQprepare(c.pg, name.c_str(), sql.text.c_str(), 0, nullptr)};
    if (PQresultStatus(prep.r) != PGRES_COMMAND_OK) return tl::unexpected(result_error(c.pg, prep.r));
    it = c.prepared.emplace(sql.text, std::move(name)).first;
  }
  ResultPtr res{PQexecPrepared(c.pg, it->second.c_str(), static_cast<int>(values.size()),
                               values.data(), nullptr, nullptr, 0)};
  const ExecStatusType st = PQresultStatus(res.r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return tl::unexpected(result_error(c.pg, res.r));
  QueryResult out;
  const int nrows = PQntuples(res.r), ncols = PQnfields(res.r);
  out.rows.reserve(static_cast<size_t>(nrows));
  for (int r = 0; r < nrows; ++r) {
    Row row;
    row.reserve(static_cast<size_t>(ncols));
    for (int col = 0; col < ncols; ++col) {
      if (PQgetisnull(res.r, r, col)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(res.r, r, col),
                                     static_cast<size_t>(PQgetlength(res.r, r, col))));
      }
    }
    out.rows.push_back(std::move(row));
  }
  const char* affected = PQcmdTuples(res.r);
  out.affected = affected && *affected ? std::atoll(affected) : 0;
  return out;
}

tl::expected<QueryResult, PgError> Db::run(const Sql& sql, bool read) {
  if (read && replica_ && !in_transaction()) return replica_->run(sql, false);
  // One retry outside transactions: an idle pooled connection may have been cut by a server
  // restart; the statement never reached a live server, so running it again is safe.
  for (int attempt = 0;; ++attempt) {
    Lease lease(*this);
    auto c = lease.get();
    if (!c) return tl::unexpected(c.error());
    auto r = run_on(**c, sql);
    if (r || !r.error().connection || lease.pinned() || attempt > 0) return r;
  }
}

Result<void> Db::exec_on(Conn& c, const std::string& sql) {
  ResultPtr res{PQexec(c.pg, sql.c_str())};
  const ExecStatusType st = PQresultStatus(res.r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return db_error(result_error(c.pg, res.r).message);
  return {};
}

Result<void> Db::exec(const std::string& sql) {
  Lease lease(*this);
  auto c = lease.get();
  if (!c) return db_error(c.error().message);
  return exec_on(**c, sql);
}

Result<void> Db::atomic(const std::function<Result<void>()>& body) {
  const auto self = std::this_thread::get_id();
  Conn* conn = pinned();
  const bool outer = conn == nullptr;
  int depth = 0;
  if (outer) {
    auto c = take();
    if (!c) return db_error(c.error().message);
    conn = *c;
    if (auto r = exec_on(*conn, "BEGIN"); !r) {
      give_back(conn);
      return r;
    }
    std::lock_guard lock(mu_);
    pins_[self] = Pin{conn, 0};
  } else {
    std::lock_guard lock(mu_);
    depth = pins_[self].depth;
  }
  const std::string sp = "kongdb_sp" + std::to_string(depth);
  if (!outer) {
    if (auto r = exec_on(*conn, "SAVEPOINT " + sp); !r) return r;
  }
  {
    std::lock_guard lock(mu_);
    pins_[self].depth = depth + 1;
  }
  Result<void> result = body();
  {
    std::lock_guard lock(mu_);
    pins_[self].depth = depth;
  }
  if (result) {
    auto c = exec_on(*conn, outer ? "COMMIT" : "RELEASE SAVEPOINT " + sp);
    if (!c) result = c;
  }
  if (!result) {
    if (outer) {
      (void)exec_on(*conn, "ROLLBACK");
    } else {
      (void)exec_on(*conn, "ROLLBACK TO SAVEPOINT " + sp);
      (void)exec_on(*conn, "RELEASE SAVEPOINT " + sp);
    }
  }
  if (outer) {
    {
      std::lock_guard lock(mu_);
      pins_.erase(self);
    }
    give_back(conn);
  }
  return result;
}

}  // namespace kongdb::strategy::postgres
