// DB: Kong's DAO factory (kong.db). Builds one DAO per registered entity, core and plugin
// alike, over one strategy connector, and delivers CRUD events to subscribers.
//
//   auto db = DB::open(config);                       // Result<std::unique_ptr<DB>>
//   (*db)->dao("services")->insert(...);
//   (*db)->subscribe([](const CrudEvent& e) { ... });
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/core/ids.h"
#include "kongdb/core/result.h"
#include "kongdb/dao/dao.h"
#include "kongdb/schema/registry.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::dao {

/// Kong's dao:crud event: operation "create" | "update" | "delete", nulls stripped.
struct CrudEvent {
  std::string operation;
  std::string schema;
  Value entity;
  Value old_entity;  // null unless an update
};

using CrudHandler = std::function<void(const CrudEvent&)>;

struct DBOptions {
  Clock* clock = nullptr;       // defaults to system_clock()
  IdGenerator* ids = nullptr;   // defaults to random_ids()
};

class DB {
 public:
  /// Builds DAOs for every entity of `registry` over `connector`. The database must be
  /// bootstrapped (see migrations); the default workspace is looked up (or created).
  static Result<std::unique_ptr<DB>> create(std::unique_ptr<strategy::Connector> connector,
                                            std::shared_ptr<const schema::EntityRegistry> registry,
                                            DBOptions options = {});
  ~DB();

  /// nullptr for an unknown entity name.
  DAO* dao(std::string_view name);
  DAO& operator[](std::string_view name);  // precondition: the entity exists
  std::vector<std::string> dao_names() const;

  const schema::EntityRegistry& registry() const { return *registry_; }
  strategy::Connector& connector() { return *connector_; }
  Clock& clock() const { return *clock_; }
  IdGenerator& ids() const { return *ids_; }
  std::string_view strategy_name() const { return connector_->name(); }
  const std::string& default_workspace_id() const { return default_ws_id_; }

  void subscribe(CrudHandler handler) { handlers_.push_back(std::move(handler)); }
  void post_crud_event(CrudEvent event) const;

  /// Truncates one entity, or all of them (re-creating the default workspace).
  Result<void> truncate(std::string_view name = {});

  /// Entities (name, field) whose foreign key references `parent`, for on_delete handling.
  struct Constraint {
    const schema::Schema* schema;
    std::string field;
    std::string on_delete;  // restrict | cascade | null
  };
  std::vector<Constraint> constraints_on(std::string_view parent) const;

 private:
  DB() = default;
  Result<void> ensure_default_workspace();
  std::unique_ptr<strategy::Connector> connector_;
  std::shared_ptr<const schema::EntityRegistry> registry_;
  std::map<std::string, std::unique_ptr<DAO>, std::less<>> daos_;
  std::vector<CrudHandler> handlers_;
  Clock* clock_ = nullptr;
  IdGenerator* ids_ = nullptr;
  std::string default_ws_id_;
};

}  // namespace kongdb::dao
