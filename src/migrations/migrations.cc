// The migration catalogue, schema state and runner (Kong's kong/db/migrations/state.lua,
// kong/cmd/utils/migrations.lua and DB:run_migrations), over any Connector.
#include "kongdb/migrations/migrations.h"

#include "kongdb/schema/bundled_plugins.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

namespace kongdb::migrations {
namespace {

// The bundled plugin bringing `entity` and the migration that creates its table (the plugin's
// descriptor), or nullopt for core entities.
struct Owner {
  std::string_view plugin;
  std::string_view migration;
};
std::optional<Owner> owner_of(std::string_view entity) {
  const schema::BundledPlugin* plugin = schema::bundled_owner_of(entity);
  if (!plugin) return std::nullopt;
  for (const schema::BundledPluginEntity& e : plugin->entities) {
    if (e.name == entity) return Owner{plugin->name, e.migration};
  }
  return std::nullopt;
}

// Core entities Kong added after its base schema, with the core migration (Kong's name) that
// creates each one's table, so an existing database gains them through `migrations up`. Every
// other core entity is created by 000_base.
std::string_view core_migration_of(std::string_view entity) {
  static constexpr std::pair<std::string_view, std::string_view> later[] = {
      {"vaults", "016_280_to_300"},
      {"key_sets", "017_300_to_310"},
      {"keys", "017_300_to_310"},
  };
  for (const auto& [name, migration] : later) {
    if (name == entity) return migration;
  }
  return "000_base";
}

Migration& migration_named(Subsystem& subsystem, std::string_view name) {
  auto it = std::find_if(subsystem.migrations.begin(), subsystem.migrations.end(),
                         [&](const Migration& m) { return m.name == name; });
  if (it != subsystem.migrations.end()) return *it;
  subsystem.migrations.push_back({std::string(name), {}, false});
  return subsystem.migrations.back();
}

std::string namespace_of(const std::string& subsystem) {
  return subsystem == "core" ? "kong.db.migrations.core" : "kong.plugins." + subsystem + ".migrations";
}

void add_to(std::vector<SubsystemMigrations>& list, const std::string& subsystem, const std::string& name) {
  if (list.empty() || list.back().subsystem != subsystem) list.push_back({subsystem, {}});
  list.back().migrations.push_back(name);
}

Value list_to_value(const std::vector<SubsystemMigrations>& list) {
  Array out;
  for (const auto& s : list) {
    Array names;
    for (const auto& m : s.migrations) names.emplace_back(m);
    out.push_back(Value::object({{"subsystem", s.subsystem},
                                 {"namespace", namespace_of(s.subsystem)},
                                 {"migrations", Value(std::move(names))}}));
  }
  return Value(std::move(out));
}

std::string summary(const std::vector<SubsystemMigrations>& list) {
  std::string out;
  for (const auto& s : list) {
    if (!out.empty()) out += "; ";
    out += s.subsystem + ": ";
    for (size_t i = 0; i < s.migrations.size(); ++i) out += (i ? ", " : "") + s.migrations[i];
  }
  return out;
}

}  // namespace

Catalogue catalogue(const schema::EntityRegistry& registry) { return catalogue(registry, {}); }

Catalogue catalogue(const schema::EntityRegistry& registry, const std::vector<Subsystem>& plugin_subsystems) {
  auto introduced_by_plugin = [&](const std::string& entity) {
    for (const auto& sub : plugin_subsystems) {
      for (const auto& m : sub.migrations) {
        if (std::find(m.entities.begin(), m.entities.end(), entity) != m.entities.end()) return true;
      }
    }
    return false;
  };
  Catalogue out;
  Subsystem core{"core", {{"000_base", {}, false}}};
  // Plugin subsystems in order of first appearance in the registry (parents first).
  std::vector<Subsystem> plugins;
  for (const schema::Schema* s : registry.all()) {
    if (introduced_by_plugin(s->name)) continue;
    const std::optional<Owner> owner = owner_of(s->name);
    if (!owner) {
      migration_named(core, core_migration_of(s->name)).entities.push_back(s->name);
      continue;
    }
    auto sub = std::find_if(plugins.begin(), plugins.end(),
                            [&](const Subsystem& p) { return p.name == owner->plugin; });
    if (sub == plugins.end()) {
      plugins.push_back({std::string(owner->plugin), {}});
      sub = plugins.end() - 1;
    }
    migration_named(*sub, owner->migration).entities.push_back(s->name);
  }
  out.push_back(std::move(core));
  for (auto& p : plugins) out.push_back(std::move(p));
  for (const auto& p : plugin_subsystems) out.push_back(p);
  return out;
}

Value SchemaState::to_value() const {
  Value v = Value::object({{"needs_bootstrap", needs_bootstrap}});
  // Kong's cjson drops nil lists: only non-empty ones appear.
  if (!executed.empty()) v.as_object().set("executed_migrations", list_to_value(executed));
  if (!pending.empty()) v.as_object().set("pending_migrations", list_to_value(pending));
  if (!new_migrations.empty()) v.as_object().set("new_migrations", list_to_value(new_migrations));
  if (!unknown.empty()) v.as_object().set("unknown_migrations", list_to_value(unknown));
  return v;
}

std::string format_migrations(const std::vector<SubsystemMigrations>& list) {
  size_t width = 0;
  for (const auto& s : list) width = std::max(width, s.subsystem.size());
  std::string out;
  for (const auto& s : list) {
    if (!out.empty()) out += "\n";
    out += std::string(width - s.subsystem.size(), ' ') + s.subsystem + ": ";
    for (size_t i = 0; i < s.migrations.size(); ++i) out += (i ? ", " : "") + s.migrations[i];
  }
  return out;
}

SchemaState compute_state(const Catalogue& catalogue,
                          const std::optional<std::vector<strategy::MigrationState>>& recorded) {
  SchemaState st;
  if (!recorded) {
    st.needs_bootstrap = true;
    for (const auto& sub : catalogue) {
      for (const auto& m : sub.migrations) add_to(st.new_migrations, sub.name, m.name);
    }
    return st;
  }
  auto contains = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  for (const auto& sub : catalogue) {
    auto rec = std::find_if(recorded->begin(), recorded->end(),
                            [&](const strategy::MigrationState& r) { return r.subsystem == sub.name; });
    for (const auto& m : sub.migrations) {
      if (rec != recorded->end() && contains(rec->executed, m.name)) {
        add_to(st.executed, sub.name, m.name);
      } else if (rec != recorded->end() && contains(rec->pending, m.name)) {
        add_to(st.pending, sub.name, m.name);
      } else {
        add_to(st.new_migrations, sub.name, m.name);
      }
    }
  }
  for (const auto& rec : *recorded) {
    auto sub = std::find_if(catalogue.begin(), catalogue.end(),
                            [&](const Subsystem& s) { return s.name == rec.subsystem; });
    for (const auto* names : {&rec.executed, &rec.pending}) {
      for (const auto& name : *names) {
        bool known = sub != catalogue.end() &&
                     std::any_of(sub->migrations.begin(), sub->migrations.end(),
                                 [&](const Migration& m) { return m.name == name; });
        if (!known) add_to(st.unknown, rec.subsystem, name);
      }
    }
  }
  return st;
}

Runner::Runner(strategy::Connector& connector, const schema::EntityRegistry& registry,
               RunnerOptions options)
    : Runner(connector, registry, migrations::catalogue(registry), std::move(options)) {}

Runner::Runner(strategy::Connector& connector, const schema::EntityRegistry& registry,
               Catalogue catalogue, RunnerOptions options)
    : connector_(connector), registry_(registry), catalogue_(std::move(catalogue)),
      options_(std::move(options)), store_(connector.migrations()) {
  if (options_.db_label.empty()) options_.db_label = std::string(connector_.name());
}

tl::expected<SchemaState, std::string> Runner::state() {
  if (!store_) {
    // A backend without migrations has every table its catalogue describes, always.
    std::vector<strategy::MigrationState> all_executed;
    for (const auto& sub : catalogue_) {
      strategy::MigrationState st{sub.name, {}, {}};
      for (const auto& m : sub.migrations) st.executed.push_back(m.name);
      all_executed.push_back(std::move(st));
    }
    return compute_state(catalogue_, all_executed);
  }
  auto recorded = store_->schema_state();
  if (!recorded) return tl::unexpected("failed to check schema state: " + recorded.error().to_string());
  return compute_state(catalogue_, *recorded);
}

std::string Runner::no_migrations_message() const {
  return "Database " + options_.db_label + " keeps no migrations: its tables exist as soon as it opens\n";
}

const Migration* Runner::find(const std::string& subsystem, const std::string& name) const {
  for (const auto& sub : catalogue_) {
    if (sub.name != subsystem) continue;
    for (const auto& m : sub.migrations) {
      if (m.name == name) return &m;
    }
  }
  return nullptr;
}

tl::expected<void, std::string> Runner::run(const std::vector<SubsystemMigrations>& list,
                                            bool run_up, bool run_teardown, std::ostream& log) {
  int n_migrations = 0;
  int n_pending = 0;
  for (const auto& sub : list) {
    log << "migrating " << sub.subsystem << " on " << options_.db_label << "...\n";
    for (const auto& name : sub.migrations) {
      const Migration* mig = find(sub.subsystem, name);
      if (!mig) return tl::unexpected("failed to load migration '" + name + "'");
      const auto teardown = mig->teardown.find(std::string(connector_.name()));
      const bool has_teardown = mig->has_teardown || teardown != mig->teardown.end();
      if (run_up) {
        std::vector<const schema::Schema*> schemas;
        for (const auto& entity : mig->entities) {
          const schema::Schema* s = registry_.get(entity);
          if (!s) {
            return tl::unexpected("failed to run migration '" + name + "' up: no entity named '" +
                                  entity + "'");
          }
          schemas.push_back(s);
        }
        auto sql = mig->up_sql.find(std::string(connector_.name()));
        auto ok = sql != mig->up_sql.end()
                      ? store_->run_up_sql(sub.subsystem, name, sql->second, schemas, has_teardown)
                      : store_->run_up(sub.subsystem, name, schemas, has_teardown);
        if (!ok) {
          return tl::unexpected("failed to run migration '" + name + "' up: " + ok.error().to_string());
        }
        if (has_teardown) ++n_pending;
      }
      if (run_teardown && has_teardown) {
        if (teardown != mig->teardown.end()) {
          if (auto done = teardown->second(connector_); !done) {
            return tl::unexpected("failed to run migration '" + name + "' teardown: " + done.error());
          }
        }
        auto ok = store_->run_teardown(sub.subsystem, name);
        if (!ok) {
          return tl::unexpected("failed to run migration '" + name +
                                "' teardown: " + ok.error().to_string());
        }
        n_pending = std::max(n_pending - 1, 0);
      }
      log << sub.subsystem << " migrated up to: " << name << " "
          << (has_teardown && !run_teardown ? "(pending)" : "(executed)") << "\n";
      ++n_migrations;
    }
  }
  log << n_migrations << " migration" << (n_migrations > 1 ? "s" : "") << " processed\n";
  if (n_migrations - n_pending > 0) log << (n_migrations - n_pending) << " executed\n";
  if (n_pending > 0) log << n_pending << " pending\n";
  return {};
}

tl::expected<void, std::string> Runner::bootstrap(std::ostream& log) {
  if (!store_) {
    log << no_migrations_message();
    return {};
  }
  auto st = state();
  if (!st) return tl::unexpected(st.error());
  if (!st->needs_bootstrap) {
    log << "Database already bootstrapped\n";
    return {};
  }
  log << "Bootstrapping database...\n";
  if (auto ok = store_->bootstrap_meta(); !ok) {
    return tl::unexpected("failed to bootstrap database: " + ok.error().to_string());
  }
  if (auto ok = run(st->new_migrations, true, true, log); !ok) return ok;
  log << "Database is up-to-date\n";
  return {};
}

tl::expected<void, std::string> Runner::up(std::ostream& log) {
  if (!store_) {
    log << no_migrations_message();
    return {};
  }
  auto st = state();
  if (!st) return tl::unexpected(st.error());
  if (st->needs_bootstrap) return tl::unexpected("Cannot run migrations: " + std::string(kNeedsBootstrapMessage));
  if (!st->pending.empty()) {
    return tl::unexpected(std::string("Database has pending migrations; run 'kongdb migrations finish'"));
  }
  if (st->new_migrations.empty()) {
    log << "Database is already up-to-date\n";
    return {};
  }
  if (auto ok = run(st->new_migrations, true, false, log); !ok) return ok;
  st = state();
  if (!st) return tl::unexpected(st.error());
  if (!st->pending.empty()) {
    log << "\nDatabase has pending migrations; run 'kongdb migrations finish' when ready\n";
  }
  return {};
}

tl::expected<void, std::string> Runner::finish(std::ostream& log) {
  if (!store_) {
    log << no_migrations_message();
    return {};
  }
  auto st = state();
  if (!st) return tl::unexpected(st.error());
  if (st->needs_bootstrap) return tl::unexpected("Cannot run migrations: " + std::string(kNeedsBootstrapMessage));
  bool had_pending = !st->pending.empty();
  if (had_pending) {
    if (auto ok = run(st->pending, false, true, log); !ok) return ok;
    st = state();
    if (!st) return tl::unexpected(st.error());
  }
  if (!st->new_migrations.empty()) {
    log << "\nNew migrations available; run 'kongdb migrations up' to proceed\n";
    return {};
  }
  if (!had_pending) log << "No pending migrations to finish\n";
  return {};
}

tl::expected<bool, std::string> Runner::reset(std::ostream& log) {
  if (!store_) {
    log << no_migrations_message() << "nothing to reset\n";
    return false;
  }
  auto st = state();
  if (!st) return tl::unexpected(st.error());
  if (st->needs_bootstrap) {
    log << "Database not bootstrapped, nothing to reset\n";
    return false;
  }
  log << "Resetting database...\n";
  if (auto ok = store_->reset(); !ok) {
    return tl::unexpected("failed to reset database: " + ok.error().to_string());
  }
  log << "Database successfully reset\n";
  return true;
}

tl::expected<ListReport, std::string> Runner::list() {
  auto st = state();
  if (!st) return tl::unexpected(st.error());
  ListReport r;
  if (st->needs_bootstrap) {
    r.text = std::string(kNeedsBootstrapMessage) + "\n";
    r.exit_code = 3;
    return r;
  }
  std::string sep;
  auto section = [&](const char* title, const std::vector<SubsystemMigrations>& list) {
    if (list.empty()) return;
    r.text += sep + title + ":\n" + format_migrations(list) + "\n";
    sep = "\n";
  };
  section("Executed migrations", st->executed);
  section("Pending migrations", st->pending);
  section("New migrations available", st->new_migrations);
  if (!st->pending.empty() && !st->new_migrations.empty()) {
    r.text += "\nDatabase has pending migrations from a previous upgrade, and new migrations "
              "from this upgrade\n";
    r.text += "\nRun 'kongdb migrations finish' when ready to complete pending migrations\n";
    r.exit_code = 4;
  } else if (!st->pending.empty()) {
    r.text += "\nRun 'kongdb migrations finish' when ready\n";
    r.exit_code = 4;
  } else if (!st->new_migrations.empty()) {
    r.text += "\nRun 'kongdb migrations up' to proceed\n";
    r.exit_code = 5;
  }
  return r;
}

tl::expected<void, std::string> Runner::ensure_bootstrapped(bool auto_bootstrap, std::ostream& log) {
  auto st = state();
  if (!st) return tl::unexpected(st.error());
  if (st->needs_bootstrap) {
    if (!auto_bootstrap) return tl::unexpected(std::string(kNeedsBootstrapMessage));
    if (auto ok = bootstrap(log); !ok) return ok;
    st = state();
    if (!st) return tl::unexpected(st.error());
  }
  if (!st->new_migrations.empty()) {
    return tl::unexpected("New migrations available (" + summary(st->new_migrations) +
                          "); run 'kongdb migrations up' to proceed");
  }
  return {};
}

}  // namespace kongdb::migrations
