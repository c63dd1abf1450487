// One entity's storage on Cassandra. Every table keeps its rows in one partition (`partition` =
// the table name) clustered by the primary key, so a listing is an ordered slice: pages are
// keyset reads (`pk > last`) with the offset tokens every backend issues. Workspace, foreign key
// and plain-field lookups filter inside that partition on the replica (ALLOW FILTERING over one
// partition); ttl and tags filters are applied here while reading in key order. Unique values
// are claimed through lightweight transactions on the claims table (the DAO asks, see
// Capabilities), and by-field reads of unique fields go through those claims. Written for kongdb.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <random>
#include <thread>
#include <utility>
#include <variant>

#include "kongdb/core/json.h"
#include "strategy/cassandra/cassandra_store.h"
#include "strategy/model/tags_index.h"

namespace kongdb::strategy::cassandra {
namespace {

struct Stored {
  Value fields;
  std::string ws_id;
  std::string cache_key;
  std::optional<double> expires_at;
  std::vector<cql::Value> key;  // the pk columns as bound
};

class CassandraStrategy final : public Strategy {
 public:
  CassandraStrategy(std::shared_ptr<Shared> shared, Layout layout)
      : s_(std::move(shared)), l_(std::move(layout)), table_(ident(l_.table)),
        feeds_tags_(l_.tags && l_.pk_fields == std::vector<std::string>{"id"}) {
    for (const auto& f : l_.fields) {
      for (const auto& c : f.columns) columns_.push_back(c);
    }
    if (l_.workspaceable) columns_.push_back("ws_id");
    if (l_.cache_key) columns_.push_back("cache_key");
    if (l_.ttl) columns_.push_back("ttl");
    for (size_t i = 0; i < columns_.size(); ++i) select_list_ += (i ? ", " : "") + ident(columns_[i]);
    key_where_ = "partition = ?";
    for (const auto& c : l_.pk_columns) key_where_ += " AND " + ident(c) + " = ?";
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (std::find(l_.pk_columns.begin(), l_.pk_columns.end(), columns_[i]) == l_.pk_columns.end()) {
        set_columns_.push_back(i);
      }
    }
  }

  Result<std::optional<Value>> select(const Value& pk, const QueryOptions& opts) override {
    auto row = read(pk);
    if (!row) return row.error();
    if (!*row || !visible(**row, opts)) return std::optional<Value>();
    return std::optional<Value>(to_row(**row, opts.export_ttl));
  }

  Result<std::optional<Value>> select_by_field(std::string_view field, const Value& value,
                                               const QueryOptions& opts) override {
    auto row = find_by_field(field, value, opts);
    if (!row) return row.error();
    if (!*row) return std::optional<Value>();
    return std::optional<Value>(to_row(**row, opts.export_ttl));
  }

  Result<Page> page(int64_t size, const std::optional<std::string>& offset, const QueryOptions& opts) override {
    return scan({}, {}, size, offset, opts);
  }

  Result<Page> page_for(std::string_view fk_field, const Value& fk_pk, int64_t size,
                        const std::optional<std::string>& offset, const QueryOptions& opts) override {
    const FieldMap* f = l_.field(fk_field);
    if (!f || !f->foreign) return db_error("unknown foreign key '" + std::string(fk_field) + "' on '" + l_.entity + "'");
    auto binds = model::field_params<std::optional<cql::Value>>(*f, fk_pk, to_cql);
    std::string where;
    std::vector<cql::Value> values;
    for (size_t i = 0; i < f->columns.size(); ++i) {
      if (!binds[i] || binds[i]->is_null()) return Page{};  // no such parent: no children
      where += " AND " + ident(f->columns[i]) + " = ?";
      values.push_back(*binds[i]);
    }
    return scan(where, std::move(values), size, offset, opts);
  }

  Result<Value> insert(const Value& row, const QueryOptions& opts) override {
    Stored stored = make_stored(row, model::write_ws(row, opts), cache_key_of(row), expiry(opts));
    auto values = encode(stored);
    if (!values) return values.error();
    std::vector<cql::Value> binds{cql::Value::text(l_.table)};
    for (auto& v : *values) binds.push_back(std::move(v));
    auto r = s_->run(insert_cql(true), with_ttl(std::move(binds), stored), s_->writes());
    if (!r) return r.error();
    if (r->applied() == false) return tag(errors::primary_key_violation(model::pk_of(l_.pk_fields, row)));
    if (auto t = sync_tags(stored); !t) return t.error();
    return to_row(stored, false);
  }

  Result<std::optional<Value>> update(const Value& pk, const Value& row, const QueryOptions& opts) override {
    auto found = read(pk);
    if (!found) return found.error();
    if (!*found || !visible(**found, opts)) return std::optional<Value>();
    return update_stored(std::move(**found), row, opts);
  }

  Result<std::optional<Value>> update_by_field(std::string_view field, const Value& value, const Value& row,
                                               const QueryOptions& opts) override {
    auto found = find_by_field(field, value, opts);
    if (!found) return found.error();
    if (!*found) return std::optional<Value>();
    return update_stored(std::move(**found), row, opts);
  }

  Result<Value> upsert(const Value& pk, const Value& row, const QueryOptions& opts) override {
    Value full = row.is_object() ? row : Value::object();
    if (pk.is_object()) {
      for (const auto& [k, v] : pk.as_object()) full.as_object().set(k, v);
    }
    auto existing = read(full);
    if (!existing) return existing.error();
    // ws_id stays that of an existing row.
    std::string ws = *existing ? (**existing).ws_id : model::write_ws(full, opts);
    return replace(make_stored(full, std::move(ws), cache_key_of(full), expiry(opts)));
  }

  Result<Value> upsert_by_field(std::string_view field, const Value& value, const Value& row,
                                const QueryOptions& opts) override {
    Value full = model::row_with_field(row, field, value);
    QueryOptions scope = opts;
    scope.ws_id = model::write_ws(full, opts);
    scope.skip_ttl = true;
    auto holder = find_by_field(field, value, scope);
    if (!holder) return holder.error();
    if (*holder) {
      // The row holding the value keeps its primary key, as SQL's ON CONFLICT (field) DO UPDATE.
      for (const auto& pk : l_.pk_fields) {
        if (const Value* v = (**holder).fields.find(pk)) full.as_object().set(pk, *v);
      }
      std::string ws = (**holder).ws_id;
      return replace(make_stored(full, std::move(ws), cache_key_of(full), expiry(opts)));
    }
    auto same_pk = read(full);
    if (!same_pk) return same_pk.error();
    if (*same_pk) return tag(errors::primary_key_violation(model::pk_of(l_.pk_fields, full)));
    return replace(make_stored(full, scope.ws_id, cache_key_of(full), expiry(opts)));
  }

  Result<bool> remove(const Value& pk, const QueryOptions& opts) override {
    auto found = read(pk);
    if (!found) return found.error();
    if (!*found || !visible(**found, opts)) return false;
    return erase(**found);
  }

  Result<bool> remove_by_field(std::string_view field, const Value& value, const QueryOptions& opts) override {
    auto found = find_by_field(field, value, opts);
    if (!found) return found.error();
    if (!*found) return false;
    return erase(**found);
  }

  // As Postgres' TRUNCATE ... CASCADE: the tables referencing this one are emptied too, with
  // their unique claims and tags.
  Result<void> truncate() override {
    std::vector<Layout> closure;
    {
      std::lock_guard lock(s_->mutex);
      closure.push_back(l_);
      for (size_t i = 0; i < closure.size(); ++i) {
        for (const auto& [name, other] : s_->layouts) {
          bool seen = std::any_of(closure.begin(), closure.end(), [&](const Layout& c) { return c.entity == name; });
          if (seen) continue;
          for (const auto& f : other.fields) {
            if (f.foreign && f.parent_name == closure[i].entity) {
              closure.push_back(other);
              break;
            }
          }
        }
      }
    }
    for (const Layout& t : closure) {
      if (t.tags && t.pk_fields == std::vector<std::string>{"id"}) {
        auto ids = s_->run("SELECT \"id\", \"tags\" FROM " + ident(t.table) + " WHERE partition = ?",
                           {cql::Value::text(t.table)}, s_->reads());
        if (!ids) return ids.error();
        for (const auto& r : ids->rows) {
          if (r[0].is_null() || r[1].is_null()) continue;
          if (auto d = s_->sync_tags(t.entity, from_cql(r[0], Col::Uuid).as_string(), nullptr); !d) return d;
        }
      }
      auto r = s_->session->query("TRUNCATE " + ident(t.table), {}, s_->schema_changes());
      if (!r) return db_error(r.error());
      if (auto d = s_->drop_claims(t.entity, std::nullopt); !d) return d;
    }
    return {};
  }

  Result<ClaimOutcome> claim_unique(const UniqueKey& key, const Value& owner) override {
    const std::string owner_text = owner_of(owner);
    const std::string claim = Shared::claim_key(l_.entity, key);
    // A contended round whose outcome is unknown is settled by a serial read of the claim: once
    // any writer's claim is committed, the others learn it here instead of contending on.
    auto settled = [&]() -> std::optional<ClaimOutcome> {
      auto read = s_->session->query("SELECT owner FROM " + std::string(kClaimsTable) + " WHERE claim = ?",
                                     {cql::Value::text(claim)}, s_->serial_reads());
      if (!read || read->rows.empty()) return std::nullopt;
      const cql::Value* held = read->get(0, "owner");
      // Ours: as after a retried round, reported as held already (kept, never released on an
      // unrelated failure).
      if (held && held->kind() == cql::Value::Kind::Text && held->as_text() == owner_text) {
        return ClaimOutcome::AlreadyOwned;
      }
      return ClaimOutcome::HeldByAnother;
    };
    auto r = lwt("INSERT INTO " + std::string(kClaimsTable) + " (claim, entity, owner) VALUES (?, ?, ?) IF NOT EXISTS",
                 {cql::Value::text(claim), cql::Value::text(l_.entity), cql::Value::text(owner_text)}, settled);
    if (!r) return r.error();
    if (std::holds_alternative<ClaimOutcome>(*r)) return std::get<ClaimOutcome>(*r);
    return outcome_of(std::get<cql::QueryResult>(*r), owner_text);
  }

  static ClaimOutcome outcome_of(const cql::QueryResult& result, const std::string& owner_text) {
    const cql::QueryResult* r = &result;  // the LWT's own answer
    if (r->applied() != false) return ClaimOutcome::Acquired;
    // Not applied: the row shows who holds it (this owner too after a retried attempt that
    // had in fact been applied; it is then reported as held already, which keeps it).
    const cql::Value* held = r->get(0, "owner");
    if (held && held->kind() == cql::Value::Kind::Text && held->as_text() == owner_text) {
      return ClaimOutcome::AlreadyOwned;
    }
    return ClaimOutcome::HeldByAnother;
  }

  Result<void> release_unique(const UniqueKey& key, const Value& owner) override {
    auto r = lwt("DELETE FROM " + std::string(kClaimsTable) + " WHERE claim = ? IF owner = ?",
                 {cql::Value::text(Shared::claim_key(l_.entity, key)), cql::Value::text(owner_of(owner))},
                 [] { return std::optional<ClaimOutcome>(); });
    if (!r) return r.error();
    return {};
  }

 private:
  // A lightweight transaction on a claim. Writers of one value contend in Paxos: a contended
  // round ends in a CAS write timeout whose outcome is unknown, so it is tried again (the
  // statements are idempotent for their owner) until the request timeout has passed.
  // `settled` may decide the outcome after a contended round (see claim_unique).
  using LwtOutcome = std::variant<cql::QueryResult, ClaimOutcome>;
  Result<LwtOutcome> lwt(const std::string& text, std::vector<cql::Value> values,
                         const std::function<std::optional<ClaimOutcome>()>& settled) {
    auto prepared = s_->session->prepare(text);
    if (!prepared) return db_error(prepared.error());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(s_->options.timeout_ms);
    thread_local std::mt19937 rng{std::random_device{}()};
    for (int attempt = 0;; ++attempt) {
      auto r = s_->session->execute(*prepared, values, s_->writes());
      if (r) return LwtOutcome(std::move(*r));
      const auto& e = r.error();
      const bool contended = (e.code == cql::ErrorCode::WriteTimeout && e.write_type == "CAS") ||
                             e.code == cql::ErrorCode::CasWriteUnknown;
      if (!contended) return db_error(e);
      if (auto outcome = settled()) return LwtOutcome(*outcome);
      if (std::chrono::steady_clock::now() > deadline) return db_error(e);
      const int cap = 10 << std::min(attempt, 5);
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(1, cap)(rng)));
    }
  }

  // The pk of a row or pk object as the claims table records its owner.
  std::string owner_of(const Value& pk_or_row) const { return json::encode(model::pk_of(l_.pk_fields, pk_or_row)); }

  std::string cache_key_of(const Value& row) const {
    const Value* ck = row.find("cache_key");
    return ck && ck->is_string() ? ck->as_string() : std::string();
  }

  std::optional<double> expiry(const QueryOptions& opts) const {
    if (!l_.ttl || !opts.ttl || *opts.ttl <= 0) return std::nullopt;
    return s_->now() + static_cast<double>(*opts.ttl);
  }

  bool visible(const Stored& row, const QueryOptions& opts) const {
    if (l_.workspaceable && !opts.ws_id.empty() && row.ws_id != opts.ws_id) return false;
    return opts.skip_ttl || !row.expires_at || *row.expires_at >= s_->now();
  }

  bool listed(const Stored& row, const QueryOptions& opts) const {
    if (!visible(row, opts)) return false;
    return !opts.tags || !l_.tags || opts.tags->tags.empty() || model::carries_tags(row.fields, *opts.tags);
  }

  // The partition and pk columns of a pk object (or a row carrying its pk); nullopt when a
  // part is missing or does not fit its column (no row can have it).
  std::optional<std::vector<cql::Value>> key_binds(const Value& pk) const {
    std::vector<cql::Value> out{cql::Value::text(l_.table)};
    for (const auto& name : l_.pk_fields) {
      const FieldMap* f = l_.field(name);
      const Value* v = pk.find(name);
      if (!f || !v) return std::nullopt;
      for (auto& part : model::field_params<std::optional<cql::Value>>(*f, *v, to_cql)) {
        if (!part || part->is_null()) return std::nullopt;
        out.push_back(std::move(*part));
      }
    }
    return out;
  }

  Result<std::optional<Stored>> read(const Value& pk) {
    auto key = key_binds(pk);
    if (!key) return std::optional<Stored>();
    auto r = s_->run("SELECT " + select_list_ + " FROM " + table_ + " WHERE " + key_where_, std::move(*key), s_->reads());
    if (!r) return r.error();
    if (r->rows.empty()) return std::optional<Stored>();
    return std::optional<Stored>(decode(r->rows[0]));
  }

  Stored decode(const cql::Row& r) const {
    Stored out;
    Object fields;
    fields.reserve(l_.fields.size());
    size_t i = 0;
    for (const auto& f : l_.fields) {
      if (!f.foreign) {
        fields.set(f.name, from_cql(r[i], f.kinds[0]));
        ++i;
        continue;
      }
      Object key;
      bool any = false;
      for (size_t p = 0; p < f.parent_pk.size(); ++p, ++i) {
        Value part = from_cql(r[i], f.kinds[p]);
        if (!part.is_null()) any = true;
        key.set(f.parent_pk[p], std::move(part));
      }
      fields.set(f.name, any ? Value(std::move(key)) : Value());
    }
    out.fields = Value(std::move(fields));
    if (l_.workspaceable) {
      Value ws = from_cql(r[i++], Col::Uuid);
      if (ws.is_string()) out.ws_id = ws.as_string();
    }
    if (l_.cache_key) {
      const cql::Value& ck = r[i++];
      if (ck.kind() == cql::Value::Kind::Text) out.cache_key = ck.as_text();
    }
    if (l_.ttl) {
      const cql::Value& t = r[i++];
      if (t.kind() == cql::Value::Kind::Timestamp) out.expires_at = static_cast<double>(t.as_int64()) / 1000.0;
    }
    for (size_t k : l_.pk_row_index) out.key.push_back(r[k]);
    return out;
  }

  Value to_row(const Stored& stored, bool export_ttl) const {
    Value out = stored.fields;
    if (l_.workspaceable) out.as_object().set("ws_id", stored.ws_id.empty() ? Value() : Value(stored.ws_id));
    if (l_.ttl) {
      if (!stored.expires_at) {
        out.as_object().set("ttl", Value());
      } else {
        const double shown = export_ttl ? *stored.expires_at : *stored.expires_at - s_->now();
        out.as_object().set("ttl", Value(static_cast<long long>(std::floor(shown))));
      }
    }
    return out;
  }

  // A row as written: every layout field from `row` (missing ones null), read back through the
  // column codec so that what a write returns is what a later read gives.
  Stored make_stored(const Value& row, std::string ws_id, std::string cache_key, std::optional<double> expires_at) const {
    Stored out;
    Object fields;
    for (const auto& f : l_.fields) {
      const Value* v = row.find(f.name);
      if (!v || v->is_null()) {
        fields.set(f.name, Value());
      } else if (!f.foreign) {
        auto c = to_cql(*v, f.kinds[0]);
        fields.set(f.name, c ? from_cql(*c, f.kinds[0]) : *v);
      } else {
        Object key;
        bool any = false;
        auto parts = model::field_params<std::optional<cql::Value>>(f, *v, to_cql);
        for (size_t p = 0; p < f.parent_pk.size(); ++p) {
          Value part = parts[p] ? from_cql(*parts[p], f.kinds[p]) : Value();
          if (!part.is_null()) any = true;
          key.set(f.parent_pk[p], std::move(part));
        }
        fields.set(f.name, any ? Value(std::move(key)) : Value());
      }
    }
    out.fields = Value(std::move(fields));
    out.ws_id = std::move(ws_id);
    out.cache_key = std::move(cache_key);
    out.expires_at = expires_at;
    return out;
  }

  // The values of every column (select order) of a stored row.
  Result<std::vector<cql::Value>> encode(const Stored& st) const {
    std::vector<cql::Value> out;
    out.reserve(columns_.size());
    for (const auto& f : l_.fields) {
      const Value* v = st.fields.find(f.name);
      if (!v || v->is_null()) {
        out.insert(out.end(), f.columns.size(), cql::Value::null());
        continue;
      }
      auto parts = model::field_params<std::optional<cql::Value>>(f, *v, to_cql);
      for (auto& p : parts) {
        if (!p) return db_error("field '" + f.name + "' of '" + l_.entity + "' does not fit its column");
        out.push_back(std::move(*p));
      }
    }
    if (l_.workspaceable) {
      auto ws = st.ws_id.empty() ? std::optional<cql::Value>(cql::Value::null()) : to_cql(Value(st.ws_id), Col::Uuid);
      if (!ws) return db_error("invalid workspace id '" + st.ws_id + "'");
      out.push_back(std::move(*ws));
    }
    if (l_.cache_key) out.push_back(st.cache_key.empty() ? cql::Value::null() : cql::Value::text(st.cache_key));
    if (l_.ttl) {
      out.push_back(st.expires_at ? cql::Value::timestamp(std::llround(*st.expires_at * 1000.0)) : cql::Value::null());
    }
    return out;
  }

  // Cassandra drops the row by itself when its ttl runs out (reads hide it from the expiry
  // time on, by this process's clock).
  std::vector<cql::Value> with_ttl(std::vector<cql::Value> values, const Stored& st) const {
    int32_t seconds = 0;
    if (st.expires_at) seconds = std::max<int32_t>(1, static_cast<int32_t>(std::ceil(*st.expires_at - s_->now())));
    values.push_back(cql::Value::int32(seconds));
    return values;
  }

  std::string insert_cql(bool if_not_exists) const {
    std::string q = "INSERT INTO " + table_ + " (partition, " + select_list_ + ") VALUES (?";
    for (size_t i = 0; i < columns_.size(); ++i) q += ", ?";
    q += ")";
    if (if_not_exists) q += " IF NOT EXISTS";
    return q + " USING TTL ?";
  }

  Result<void> sync_tags(const Stored& st) {
    if (!feeds_tags_) return {};
    const Value* id = st.fields.find("id");
    if (!id || !id->is_string()) return {};
    return s_->sync_tags(l_.entity, id->as_string(), st.fields.find("tags"));
  }

  // An upsert: the whole row written (tags index and all), no condition.
  Result<Value> replace(Stored stored) {
    auto values = encode(stored);
    if (!values) return values.error();
    std::vector<cql::Value> binds{cql::Value::text(l_.table)};
    for (auto& v : *values) binds.push_back(std::move(v));
    auto r = s_->run(insert_cql(false), with_ttl(std::move(binds), stored), s_->writes());
    if (!r) return r.error();
    if (auto t = sync_tags(stored); !t) return t.error();
    return to_row(stored, false);
  }

  Result<std::optional<Value>> update_stored(Stored st, const Value& row, const QueryOptions& opts) {
    Stored given = make_stored(row, {}, {}, std::nullopt);
    for (const auto& f : l_.fields) {
      if (row.find(f.name)) st.fields.as_object().set(f.name, *given.fields.find(f.name));
    }
    if (const Value* ck = row.find("cache_key"); ck && ck->is_string()) st.cache_key = ck->as_string();
    if (opts.ttl) st.expires_at = expiry(opts);
    auto values = encode(st);
    if (!values) return values.error();
    // Every column is rewritten with the row's ttl (Cassandra keeps a ttl per cell).
    std::string q = "UPDATE " + table_ + " USING TTL ? SET ";
    std::vector<cql::Value> binds;
    binds = with_ttl({}, st);
    for (size_t n = 0; n < set_columns_.size(); ++n) {
      q += (n ? ", " : "") + ident(columns_[set_columns_[n]]) + " = ?";
      binds.push_back((*values)[set_columns_[n]]);
    }
    q += " WHERE " + key_where_ + " IF EXISTS";
    binds.push_back(cql::Value::text(l_.table));
    for (const auto& k : st.key) binds.push_back(k);
    auto r = s_->run(q, std::move(binds), s_->writes());
    if (!r) return r.error();
    if (r->applied() == false) return std::optional<Value>();  // deleted meanwhile
    if (auto t = sync_tags(st); !t) return t.error();
    return std::optional<Value>(to_row(st, false));
  }

  Result<bool> erase(const Stored& st) {
    std::vector<cql::Value> binds{cql::Value::text(l_.table)};
    for (const auto& k : st.key) binds.push_back(k);
    auto r = s_->run("DELETE FROM " + table_ + " WHERE " + key_where_ + " IF EXISTS", std::move(binds), s_->writes());
    if (!r) return r.error();
    if (r->applied() == false) return false;
    if (feeds_tags_) {
      if (const Value* id = st.fields.find("id"); id && id->is_string()) {
        if (auto t = s_->sync_tags(l_.entity, id->as_string(), nullptr); !t) return t.error();
      }
    }
    return true;
  }

  // A unique field in a known scope goes through its claim (the claims are the unique index;
  // the row must still carry the value); anything else filters the table's partition.
  Result<std::optional<Stored>> find_by_field(std::string_view field, const Value& value, const QueryOptions& opts) {
    const FieldMap* f = l_.field(field);
    if (!f) return db_error("unknown field '" + std::string(field) + "' on '" + l_.entity + "'");
    const bool is_cache_key = f == &l_.cache_key_map;
    const std::string text = unique_value_text(value);
    auto matches = [&](const Stored& row) {
      if (is_cache_key) return value.is_string() && row.cache_key == value.as_string();
      const Value* v = row.fields.find(f->name);
      return v && !v->is_null() && unique_value_text(*v) == text;
    };
    const bool scoped = l_.workspaceable && !f->unique_across_ws;
    if (f->unique && !(scoped && opts.ws_id.empty())) {
      const UniqueKey key{f->name, scoped ? opts.ws_id : std::string(), text};
      auto claim = s_->run("SELECT owner FROM " + std::string(kClaimsTable) + " WHERE claim = ?",
                           {cql::Value::text(Shared::claim_key(l_.entity, key))}, s_->reads());
      if (!claim) return claim.error();
      if (claim->rows.empty() || claim->rows[0][0].kind() != cql::Value::Kind::Text) return std::optional<Stored>();
      auto owner = json::parse(claim->rows[0][0].as_text());
      if (!owner) return std::optional<Stored>();
      auto row = read(*owner);
      if (!row) return row.error();
      if (!*row || !matches(**row) || !visible(**row, opts)) return std::optional<Stored>();
      return row;
    }
    std::string where;
    std::vector<cql::Value> values{cql::Value::text(l_.table)};
    auto parts = model::field_params<std::optional<cql::Value>>(*f, value, to_cql);
    for (size_t i = 0; i < f->columns.size(); ++i) {
      if (!parts[i] || parts[i]->is_null()) return std::optional<Stored>();
      where += " AND " + ident(f->columns[i]) + " = ?";
      values.push_back(std::move(*parts[i]));
    }
    auto r = s_->run("SELECT " + select_list_ + " FROM " + table_ + " WHERE partition = ?" + where + " ALLOW FILTERING",
                     std::move(values), s_->reads());
    if (!r) return r.error();
    for (const auto& raw : r->rows) {
      Stored row = decode(raw);
      if (matches(row) && visible(row, opts)) return std::optional<Stored>(std::move(row));
    }
    return std::optional<Stored>();
  }

  // Keyset reads over the table's partition in key order, `where` narrowing on the replica,
  // ttl and tags checked here, until size + 1 rows are found or the partition ends.
  Result<Page> scan(const std::string& where, std::vector<cql::Value> where_values, int64_t size,
                    const std::optional<std::string>& offset, const QueryOptions& opts) {
    size = std::max<int64_t>(size, 1);
    std::optional<std::vector<cql::Value>> after;
    if (offset) {
      auto keys = model::decode_offset(*offset, l_.pk_is_uuid);
      if (!keys) return tag(keys.error());
      std::vector<cql::Value> bound;
      for (size_t i = 0; i < keys->size(); ++i) {
        auto v = to_cql((*keys)[i], l_.pk_kinds[i]);
        if (!v || v->is_null()) return tag(errors::invalid_offset(*offset, "bad primary key"));
        bound.push_back(std::move(*v));
      }
      after = std::move(bound);
    }
    std::string ws_where;
    std::optional<cql::Value> ws_value;
    if (l_.workspaceable && !opts.ws_id.empty()) {
      ws_value = to_cql(Value(opts.ws_id), Col::Uuid);
      if (!ws_value) return Page{};
      ws_where = " AND ws_id = ?";
    }
    std::string slice_cols, slice_marks;
    for (size_t i = 0; i < l_.pk_columns.size(); ++i) {
      slice_cols += (i ? ", " : "") + ident(l_.pk_columns[i]);
      slice_marks += i ? ", ?" : "?";
    }
    const bool filtered_here = (opts.tags && l_.tags && !opts.tags->tags.empty()) || (l_.ttl && !opts.skip_ttl);
    const size_t want = static_cast<size_t>(size) + 1;
    std::vector<Stored> picked;
    while (picked.size() < want) {
      const size_t batch = filtered_here ? std::max<size_t>(want - picked.size(), 100) : want - picked.size();
      std::string q = "SELECT " + select_list_ + " FROM " + table_ + " WHERE partition = ?";
      std::vector<cql::Value> binds{cql::Value::text(l_.table)};
      if (after) {
        q += l_.pk_columns.size() == 1 ? " AND " + slice_cols + " > ?" : " AND (" + slice_cols + ") > (" + slice_marks + ")";
        for (const auto& k : *after) binds.push_back(k);
      }
      q += where;
      for (const auto& v : where_values) binds.push_back(v);
      q += ws_where;
      if (ws_value) binds.push_back(*ws_value);
      q += " LIMIT ?";
      binds.push_back(cql::Value::int32(static_cast<int32_t>(std::min<size_t>(batch, 1u << 30))));
      if (!where.empty() || ws_value) q += " ALLOW FILTERING";
      auto r = s_->run(q, std::move(binds), s_->reads());
      if (!r) return r.error();
      for (const auto& raw : r->rows) {
        Stored row = decode(raw);
        if (listed(row, opts) && picked.size() < want) picked.push_back(std::move(row));
      }
      if (r->rows.size() < batch || r->rows.empty()) break;
      after = decode(r->rows.back()).key;
    }
    return model::finish_page(
        std::move(picked), size,
        [&](const Stored& last) {
          Array keys;
          for (size_t i = 0; i < last.key.size(); ++i) keys.push_back(from_cql(last.key[i], l_.pk_kinds[i]));
          return model::encode_offset(std::move(keys));
        },
        [&](const Stored& row) { return to_row(row, opts.export_ttl); });
  }

  std::shared_ptr<Shared> s_;
  Layout l_;
  std::string table_;
  bool feeds_tags_;
  std::vector<std::string> columns_;
  std::vector<size_t> set_columns_;
  std::string select_list_, key_where_;
};

}  // namespace

std::unique_ptr<Strategy> make_strategy(std::shared_ptr<Shared> shared, Layout layout) {
  return std::make_unique<CassandraStrategy>(std::move(shared), std::move(layout));
}

}  // namespace kongdb::strategy::cassandra
