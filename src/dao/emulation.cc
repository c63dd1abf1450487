// Capability emulation helpers of the DAO. Written for kongdb.
#include "dao/emulation.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "kongdb/core/error.h"
#include "kongdb/dao/db.h"

namespace kongdb::dao::emulation {

void UndoLog::roll_back() {
  for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) (*it)();
  steps_.clear();
}

namespace {
std::string unique_ws(const DAO& dao, const DB& db, const strategy::QueryOptions& q, const Value& row) {
  if (!dao.schema().workspaceable) return {};
  if (!q.ws_id.empty()) return q.ws_id;
  if (const Value* ws = row.find("ws_id"); ws && ws->is_string()) return ws->as_string();
  return db.default_workspace_id();
}
}  // namespace

std::vector<UniqueValue> unique_values(const DAO& dao, const DB& db, const strategy::QueryOptions& q,
                                       const Value& row) {
  const schema::Schema& s = dao.schema();
  const std::string ws_id = unique_ws(dao, db, q, row);
  std::vector<UniqueValue> out;
  for (const auto& [name, field] : s.fields) {
    if (!field.is_unique() || field.is(field.transient_)) continue;
    const Value* v = row.find(name);
    if (!v || v->is_null()) continue;
    const bool across = !s.workspaceable || field.is(field.unique_across_ws_);
    out.push_back({{name, across ? std::string() : ws_id, strategy::unique_value_text(*v)},
                   Value::object({{name, *v}})});
  }
  if (s.cache_key.size() > 1) {
    const Value* stored = row.find("cache_key");
    const std::string key = stored && stored->is_string() ? stored->as_string() : dao.cache_key(row);
    Object shown;
    for (const auto& name : s.cache_key) {
      const Value* v = row.find(name);
      shown.set(name, v ? *v : Value());
    }
    // Kong's cache key text carries the workspace already.
    out.push_back({{"cache_key", std::string(), strategy::unique_value_text(Value(key))}, Value(std::move(shown))});
  }
  return out;
}

Result<void> claim_all(DAO& dao, const std::vector<UniqueValue>& values, const Value& owner, UndoLog& undo) {
  std::vector<const UniqueValue*> taken;
  auto give_back = [&] {
    for (const UniqueValue* t : taken) (void)dao.strategy().release_unique(t->key, owner);
  };
  for (const UniqueValue& v : values) {
    auto claimed = dao.strategy().claim_unique(v.key, owner);
    if (!claimed) {
      give_back();
      return claimed.error();
    }
    if (*claimed == strategy::ClaimOutcome::HeldByAnother) {
      give_back();
      return errors::unique_violation(v.shown);
    }
    if (*claimed == strategy::ClaimOutcome::Acquired) taken.push_back(&v);
  }
  for (const UniqueValue* t : taken) {
    undo.push([&dao, key = t->key, owner] { (void)dao.strategy().release_unique(key, owner); });
  }
  return {};
}

void release_unused(DAO& dao, const std::vector<UniqueValue>& held, const std::vector<UniqueValue>& kept,
                    const Value& owner) {
  for (const UniqueValue& h : held) {
    const bool still_used =
        std::any_of(kept.begin(), kept.end(), [&](const UniqueValue& k) { return k.key == h.key; });
    if (!still_used) (void)dao.strategy().release_unique(h.key, owner);
  }
}

Result<std::optional<Value>> stored_row(DAO& dao, const Value& pk) {
  strategy::QueryOptions raw;
  raw.skip_ttl = true;
  raw.export_ttl = true;
  auto row = dao.strategy().select(pk, raw);
  if (!row) return row.error();
  if (*row && dao.schema().cache_key.size() > 1) (**row).as_object().set("cache_key", dao.cache_key(**row));
  return row;
}

Result<std::function<void()>> undo_of(DAO& dao, const DB& db, const Value& pk) {
  auto before = stored_row(dao, pk);
  if (!before) return before.error();
  if (!*before) {
    return std::function<void()>([&dao, pk] { (void)dao.strategy().remove(pk, strategy::QueryOptions{}); });
  }
  return std::function<void()>([&dao, &db, pk, row = std::move(**before)] {
    strategy::QueryOptions back;
    if (const Value* ws = row.find("ws_id"); ws && ws->is_string()) back.ws_id = ws->as_string();
    if (const Value* expiry = row.find("ttl"); expiry && expiry->is_number()) {
      // The row comes back with the seconds it had left (at least one).
      back.ttl = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(expiry->as_number() - db.clock().now())));
    }
    Value fields = row;
    fields.as_object().erase("ttl");
    (void)dao.strategy().upsert(pk, fields, back);
  });
}

}  // namespace kongdb::dao::emulation
