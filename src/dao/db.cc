// Port of kong/db/init.lua DB.new (the DAO factory) and DB:truncate.
#include "kongdb/dao/db.h"

#include <cstdio>

#include "dao/overrides/overrides.h"

namespace kongdb::dao {

Result<std::unique_ptr<DB>> DB::create(std::unique_ptr<strategy::Connector> connector,
                                       std::shared_ptr<const schema::EntityRegistry> registry, DBOptions options) {
  std::unique_ptr<DB> db(new DB());
  db->connector_ = std::move(connector);
  db->registry_ = std::move(registry);
  db->clock_ = options.clock ? options.clock : &system_clock();
  db->ids_ = options.ids ? options.ids : &random_ids();
  for (const schema::Schema* s : db->registry_->all()) {
    auto strategy = db->connector_->strategy_for(*s);
    if (!strategy) return strategy.error();
    db->daos_.emplace(s->name, make_dao(*db, *s, std::move(*strategy)));
  }
  if (auto r = db->ensure_default_workspace(); !r) return r.error();
  return db;
}

DB::~DB() = default;

Result<void> DB::ensure_default_workspace() {
  DAO* ws = dao("workspaces");
  if (!ws) return {};
  auto found = ws->select_by("name", Value("default"));
  if (!found) return found.error();
  if (!*found) {
    auto created = ws->insert(Value::object({{"name", "default"}}), Value::object({{"no_broadcast_crud_event", true}}));
    if (!created) return created.error();
    found = std::optional<Value>(std::move(*created));
  }
  default_ws_id_ = (*found)->find("id")->as_string();
  return {};
}

DAO* DB::dao(std::string_view name) {
  auto it = daos_.find(name);
  return it == daos_.end() ? nullptr : it->second.get();
}

DAO& DB::operator[](std::string_view name) {
  DAO* d = dao(name);
  if (!d) {
    std::fprintf(stderr, "kongdb: no DAO named '%.*s'\n", static_cast<int>(name.size()), name.data());
    std::abort();
  }
  return *d;
}

std::vector<std::string> DB::dao_names() const {
  std::vector<std::string> names;
  for (const schema::Schema* s : registry_->all()) names.push_back(s->name);
  return names;
}

void DB::post_crud_event(CrudEvent event) const {
  for (const auto& handler : handlers_) handler(event);
}

Result<void> DB::truncate(std::string_view name) {
  if (!name.empty()) {
    DAO* d = dao(name);
    if (!d) return errors::database_error("no entity named '" + std::string(name) + "'");
    if (auto r = d->truncate(); !r) return r;
    if (name == "workspaces") return ensure_default_workspace();
    return {};
  }
  // Children before parents, so restrict constraints never fire.
  auto all = registry_->all();
  auto tx = connector_->transaction([&]() -> Result<void> {
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (auto r = dao((*it)->name)->truncate(); !r) return r;
    }
    return {};
  });
  if (!tx) return tx;
  return ensure_default_workspace();
}

std::vector<DB::Constraint> DB::constraints_on(std::string_view parent) const {
  std::vector<Constraint> out;
  for (const schema::Schema* s : registry_->all()) {
    for (const auto& [fname, f] : s->fields) {
      if (f.type() == schema::FieldType::Foreign && f.reference_ && *f.reference_ == parent) {
        out.push_back({s, fname, f.on_delete_.value_or("restrict")});
      }
    }
  }
  return out;
}

}  // namespace kongdb::dao
