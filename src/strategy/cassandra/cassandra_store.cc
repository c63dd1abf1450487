// The Cassandra layout and codec, and the statements every entity shares (claims, tags).
// Written for kongdb; the layout follows Kong 2.x's kong/db/migrations/core on Cassandra.
#include "strategy/cassandra/cassandra_store.h"

#include <openssl/evp.h>

#include <cmath>
#include <utility>

#include "kongdb/core/json.h"
#include "strategy/model/tags_index.h"

namespace kongdb::strategy::cassandra {

Error tag(Error e) {
  e.strategy = std::string(kName);
  return e;
}

Error db_error(std::string message) { return tag(errors::database_error(std::move(message))); }
Error db_error(const cql::Error& e) { return db_error(e.to_string()); }

namespace {

Col kind_of(const schema::Field* f) {
  if (!f) return Col::Uuid;  // the pk of a parent this registry does not know: Kong's ids
  using schema::FieldType;
  switch (f->type()) {
    case FieldType::String: return f->is(f->uuid_) ? Col::Uuid : Col::Text;
    case FieldType::Integer: return f->is(f->timestamp_) ? Col::Timestamp : Col::BigInt;
    case FieldType::Number: return f->is(f->timestamp_) ? Col::Timestamp : Col::Double;
    case FieldType::Boolean: return Col::Boolean;
    default: return Col::Json;
  }
}

// A whole number that a double column or a ms timestamp gave back reads as an integer, as SQL
// number columns read them.
Value number(double d) {
  if (std::floor(d) == d && std::fabs(d) < 9007199254740992.0) return Value(static_cast<long long>(d));
  return Value(d);
}

}  // namespace

Layout make_layout(const schema::Schema& s) { return model::make_layout(s, kind_of, Col::Text); }

std::string_view cql_type(Col c) {
  switch (c) {
    case Col::Uuid: return "uuid";
    case Col::BigInt: return "bigint";
    case Col::Double: return "double";
    case Col::Boolean: return "boolean";
    case Col::Timestamp: return "timestamp";
    case Col::Text:
    case Col::Json: return "text";
  }
  return "text";
}

std::string ident(std::string_view name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::optional<cql::Value> to_cql(const Value& v, Col c) {
  if (v.is_null()) return cql::Value::null();
  switch (c) {
    case Col::Uuid: {
      if (!v.is_string()) return std::nullopt;
      auto u = cql::Uuid::parse(v.as_string());
      if (!u) return std::nullopt;
      return cql::Value::uuid(*u);
    }
    case Col::Text:
      if (!v.is_string()) return std::nullopt;
      return cql::Value::text(v.as_string());
    case Col::BigInt:
      if (v.is_integer()) return cql::Value::int64(v.as_integer());
      if (v.is_float() && std::floor(v.as_number()) == v.as_number()) {
        return cql::Value::int64(static_cast<int64_t>(v.as_number()));
      }
      return std::nullopt;
    case Col::Double:
      if (!v.is_number()) return std::nullopt;
      return cql::Value::float64(v.as_number());
    case Col::Boolean:
      if (!v.is_boolean()) return std::nullopt;
      return cql::Value::boolean(v.as_boolean());
    case Col::Timestamp:
      if (!v.is_number()) return std::nullopt;
      return cql::Value::timestamp(std::llround(v.as_number() * 1000.0));
    case Col::Json: return cql::Value::text(json::encode(v));
  }
  return std::nullopt;
}

Value from_cql(const cql::Value& v, Col c) {
  using K = cql::Value::Kind;
  switch (v.kind()) {
    case K::Null:
    case K::Unset: return Value();
    case K::Uuid: return Value(v.as_uuid().to_string());
    case K::Text: {
      if (c != Col::Json) return Value(v.as_text());
      auto parsed = json::parse(v.as_text());
      return parsed ? *parsed : Value();
    }
    case K::Boolean: return Value(v.as_bool());
    case K::Int:
    case K::BigInt: return Value(static_cast<long long>(v.as_int64()));
    case K::Double: return number(v.as_double());
    case K::Timestamp: return number(static_cast<double>(v.as_int64()) / 1000.0);
    default: return Value();
  }
}

cql::QueryOptions Shared::reads() const {
  cql::QueryOptions o;
  o.consistency = read;
  o.serial_consistency = serial;
  return o;
}

cql::QueryOptions Shared::serial_reads() const {
  cql::QueryOptions o = reads();
  o.consistency = serial;
  return o;
}

cql::QueryOptions Shared::writes() const {
  cql::QueryOptions o;
  o.consistency = write;
  o.serial_consistency = serial;
  return o;
}

cql::QueryOptions Shared::schema_changes() const {
  cql::QueryOptions o = writes();
  o.timeout = std::chrono::milliseconds(options.timeout_ms + options.schema_consensus_timeout_ms);
  return o;
}

Result<cql::QueryResult> Shared::run(const std::string& text, std::vector<cql::Value> values,
                                     const cql::QueryOptions& opts) {
  auto prepared = session->prepare(text);
  if (!prepared) return db_error(prepared.error());
  auto r = session->execute(*prepared, std::move(values), opts);
  if (!r) return db_error(r.error());
  return std::move(*r);
}

std::string Shared::claim_key(std::string_view entity, const UniqueKey& key) {
  std::string value = key.value;
  if (value.size() > 512) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(value.data(), value.size(), digest, &n, EVP_sha256(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    value = "sha256:";
    for (unsigned int i = 0; i < n; ++i) {
      value += kHex[digest[i] >> 4];
      value += kHex[digest[i] & 15];
    }
  }
  // \x1f (unit separator) cannot occur in entity, field or workspace names.
  std::string out(entity);
  out += '\x1f';
  out += key.field;
  out += '\x1f';
  out += key.ws_id;
  out += '\x1f';
  out += value;
  return out;
}

Result<void> Shared::drop_claims(std::string_view entity, const std::optional<std::string>& owner_text) {
  std::string q = "SELECT claim, owner FROM " + std::string(kClaimsTable) + " WHERE entity = ?";
  std::vector<cql::Value> binds{cql::Value::text(std::string(entity))};
  if (owner_text) {
    q += " AND owner = ?";
    binds.push_back(cql::Value::text(*owner_text));
  }
  auto rows = run(q + " ALLOW FILTERING", std::move(binds), reads());
  if (!rows) return rows.error();
  for (const auto& row : rows->rows) {
    if (row[0].is_null()) continue;
    auto d = run("DELETE FROM " + std::string(kClaimsTable) + " WHERE claim = ?", {row[0]}, writes());
    if (!d) return d.error();
  }
  return {};
}

Result<void> Shared::sync_tags(std::string_view entity, const std::string& id, const Value* tags) {
  const std::string table(model::kTagsTable);
  if (!tags || !tags->is_array() || tags->as_array().empty()) {
    auto d = run("DELETE FROM " + table + " WHERE partition = ? AND entity_id = ?",
                 {cql::Value::text(table), cql::Value::text(id)}, writes());
    if (!d) return d.error();
    return {};
  }
  auto w = run("INSERT INTO " + table + " (partition, entity_id, entity_name, tags) VALUES (?, ?, ?, ?)",
               {cql::Value::text(table), cql::Value::text(id), cql::Value::text(std::string(entity)),
                cql::Value::text(json::encode(*tags))},
               writes());
  if (!w) return w.error();
  return {};
}

std::string create_table_cql(const Layout& l) {
  std::string q = "CREATE TABLE IF NOT EXISTS " + ident(l.table) + " (partition text";
  for (const auto& f : l.fields) {
    for (size_t i = 0; i < f.columns.size(); ++i) {
      q += ", " + ident(f.columns[i]) + " " + std::string(cql_type(f.kinds[i]));
    }
  }
  if (l.workspaceable) q += ", ws_id uuid";
  if (l.cache_key) q += ", cache_key text";
  if (l.ttl) q += ", \"ttl\" timestamp";
  q += ", PRIMARY KEY (partition";
  for (const auto& c : l.pk_columns) q += ", " + ident(c);
  return q + "))";
}

}  // namespace kongdb::strategy::cassandra
