// Migrations: the catalogue of subsystems and their migrations, the schema state read from a
// connector's schema_meta, and the runner behind `kongdb migrations ...`
// (kong/db/migrations/state.lua, kong/cmd/utils/migrations.lua, DB:run_migrations).
//
//   auto registry = schema::EntityRegistry::with_core_entities();
//   migrations::Runner runner(*connector, registry);
//   if (auto ok = runner.bootstrap(std::cout); !ok) std::cerr << ok.error();
//
// Migration failures are plain messages as in Kong ("[sqlite] failed to run migration ...").
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "kongdb/core/value.h"
#include "kongdb/schema/registry.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::migrations {

struct Migration {
  std::string name;
  /// The entities whose storage this migration creates (their tables), in creation order.
  std::vector<std::string> entities;
  /// Kong's `teardown`: after `up`, the migration stays pending until `finish`.
  bool has_teardown = false;
  /// A plugin migration's own `up` SQL by connector name ("postgres"): run as given instead of
  /// deriving tables from `entities` when the connector has one here.
  std::map<std::string, std::string> up_sql;
  /// A plugin migration's teardown code by connector name, run by `finish` before the
  /// migration is recorded as executed (implies has_teardown on that connector).
  using Teardown = std::function<tl::expected<void, std::string>(strategy::Connector&)>;
  std::map<std::string, Teardown> teardown;
};

struct Subsystem {
  std::string name;  // "core" or a plugin name ("key-auth")
  std::vector<Migration> migrations;
};

using Catalogue = std::vector<Subsystem>;

/// The migrations for `registry`: "core" with 000_base introducing every entity no plugin
/// owns (registration order), then one subsystem per plugin owning a registered entity.
Catalogue catalogue(const schema::EntityRegistry& registry);
/// The same, with subsystems that plugins loaded from disk bring: the entities their
/// migrations introduce leave core and the subsystems follow the bundled ones.
Catalogue catalogue(const schema::EntityRegistry& registry, const std::vector<Subsystem>& plugin_subsystems);

/// One subsystem's share of executed/pending/new migrations.
struct SubsystemMigrations {
  std::string subsystem;
  std::vector<std::string> migrations;
};

struct SchemaState {
  bool needs_bootstrap = false;
  std::vector<SubsystemMigrations> executed;
  std::vector<SubsystemMigrations> pending;
  std::vector<SubsystemMigrations> new_migrations;
  /// Recorded in schema_meta but unknown to the catalogue (e.g. a plugin was removed).
  std::vector<SubsystemMigrations> unknown;

  bool is_up_to_date() const { return !needs_bootstrap && new_migrations.empty(); }
  /// `kongdb migrations status`: Kong's cjson of the state (absent lists omitted).
  Value to_value() const;
};

/// Kong's tostring of a migrations list: "%<w>s: a, b" per subsystem, right-aligned names.
std::string format_migrations(const std::vector<SubsystemMigrations>& list);

/// Compares the catalogue with what schema_meta recorded (nullopt: never bootstrapped).
SchemaState compute_state(const Catalogue& catalogue,
                          const std::optional<std::vector<strategy::MigrationState>>& recorded);

inline constexpr std::string_view kNeedsBootstrapMessage =
    "Database needs bootstrapping; run 'kongdb migrations bootstrap'";

/// What `list` prints and the exit code Kong gives it (0, 3 needs bootstrap, 4 pending, 5 new).
struct ListReport {
  std::string text;
  int exit_code = 0;
};

struct RunnerOptions {
  /// How log lines name the database ("database 'kongdb.sqlite'"); defaults to the connector name.
  std::string db_label;
};

/// Runs migrations through the connector's MigrationStore. Over a backend without one
/// (Connector::migrations() is nullptr) every migration counts as executed, and bootstrap, up,
/// finish and reset succeed, saying there is nothing to migrate.
class Runner {
 public:
  Runner(strategy::Connector& connector, const schema::EntityRegistry& registry,
         RunnerOptions options = {});
  /// With an explicit catalogue (tests add migrations with teardowns).
  Runner(strategy::Connector& connector, const schema::EntityRegistry& registry,
         Catalogue catalogue, RunnerOptions options = {});

  const Catalogue& catalogue() const { return catalogue_; }

  tl::expected<SchemaState, std::string> state();
  /// schema_meta, then every migration up and torn down. "Database already bootstrapped"
  /// when it was.
  tl::expected<void, std::string> bootstrap(std::ostream& log);
  /// New migrations' `up`; those with a teardown become pending.
  tl::expected<void, std::string> up(std::ostream& log);
  /// Pending migrations' teardown.
  tl::expected<void, std::string> finish(std::ostream& log);
  /// Drops everything; false (with a message logged) when there was nothing to reset.
  tl::expected<bool, std::string> reset(std::ostream& log);
  tl::expected<ListReport, std::string> list();

  /// For commands that need a usable database: bootstraps it when `auto_bootstrap` (a new
  /// embedded file) and it needs it; otherwise refuses a database that needs bootstrapping or
  /// has new migrations, telling the user which command to run. Logs only when it acts.
  tl::expected<void, std::string> ensure_bootstrapped(bool auto_bootstrap, std::ostream& log);

 private:
  tl::expected<void, std::string> run(const std::vector<SubsystemMigrations>& list, bool run_up,
                                      bool run_teardown, std::ostream& log);
  const Migration* find(const std::string& subsystem, const std::string& name) const;
  std::string no_migrations_message() const;

  strategy::Connector& connector_;
  const schema::EntityRegistry& registry_;
  Catalogue catalogue_;
  RunnerOptions options_;
  /// nullptr for a backend without migrations: every command then succeeds with nothing to do.
  strategy::MigrationStore* store_;
};

}  // namespace kongdb::migrations
