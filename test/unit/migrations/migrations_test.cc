// Migrations: the catalogue's completeness (Kong's missing-migrations spec), the schema state,
// and the runner's commands over a real SQLite file.
#include "kongdb/migrations/migrations.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "kongdb/schema/bundled_plugins.h"
#include "kongdb/strategy/memory.h"
#include "kongdb/strategy/sqlite.h"

namespace kongdb::migrations {
namespace {

const schema::EntityRegistry& registry() {
  static const schema::EntityRegistry reg = schema::EntityRegistry::with_core_entities();
  return reg;
}

// --- catalogue ---

TEST(MigrationsCatalogue, CoreBaseIntroducesCoreEntitiesInRegistrationOrder) {
  Catalogue cat = catalogue(registry());
  ASSERT_FALSE(cat.empty());
  EXPECT_EQ(cat[0].name, "core");
  ASSERT_EQ(cat[0].migrations.size(), 3u);
  EXPECT_EQ(cat[0].migrations[0].name, "000_base");
  const std::set<std::string> later = {"vaults", "key_sets", "keys"};  // 016_*, 017_*
  std::vector<std::string> expected;
  for (const schema::Schema* s : registry().all()) {
    if (!schema::bundled_owner_of(s->name) && !later.count(s->name)) expected.push_back(s->name);
  }
  EXPECT_EQ(cat[0].migrations[0].entities, expected);
  EXPECT_EQ(expected.front(), "workspaces");  // parents first: the table order is creatable
}

TEST(MigrationsCatalogue, EntitiesKongAddedLaterHaveKongsLaterCoreMigrations) {
  Catalogue cat = catalogue(registry());
  ASSERT_EQ(cat[0].migrations.size(), 3u);
  EXPECT_EQ(cat[0].migrations[1].name, "016_280_to_300");
  EXPECT_EQ(cat[0].migrations[1].entities, std::vector<std::string>{"vaults"});
  EXPECT_EQ(cat[0].migrations[2].name, "017_300_to_310");
  EXPECT_EQ(cat[0].migrations[2].entities, (std::vector<std::string>{"key_sets", "keys"}));
}

TEST(MigrationsCatalogue, KeyAuthHasItsOwnSubsystem) {
  Catalogue cat = catalogue(registry());
  auto it = std::find_if(cat.begin(), cat.end(), [](const Subsystem& s) { return s.name == "key-auth"; });
  ASSERT_NE(it, cat.end());
  ASSERT_EQ(it->migrations.size(), 1u);
  EXPECT_EQ(it->migrations[0].name, "000_base_key_auth");
  EXPECT_EQ(it->migrations[0].entities, std::vector<std::string>{"keyauth_credentials"});
}

// Kong's spec/01-unit/01-db/09-no_migrations_missing_spec.lua in spirit: every entity has a
// table because exactly one migration introduces it.
TEST(MigrationsCatalogue, EveryEntityIsIntroducedByExactlyOneMigration) {
  Catalogue cat = catalogue(registry());
  std::map<std::string, int> introduced;
  std::set<std::string> subsystems;
  for (const auto& sub : cat) {
    EXPECT_TRUE(subsystems.insert(sub.name).second) << "duplicate subsystem " << sub.name;
    std::set<std::string> names;
    for (const auto& m : sub.migrations) {
      EXPECT_TRUE(names.insert(m.name).second) << "duplicate migration " << sub.name << "/" << m.name;
      for (const auto& e : m.entities) {
        ++introduced[e];
        EXPECT_NE(registry().get(e), nullptr) << sub.name << "/" << m.name << " introduces unknown " << e;
      }
    }
  }
  for (const schema::Schema* s : registry().all()) {
    EXPECT_EQ(introduced[s->name], 1) << "entity '" << s->name << "' introduced " << introduced[s->name]
                                      << " times";
  }
  EXPECT_EQ(introduced.size(), registry().all().size());
}

TEST(MigrationsCatalogue, PluginSubsystemsAreRegisteredPlugins) {
  auto plugins = registry().plugin_names();
  for (const auto& sub : catalogue(registry())) {
    if (sub.name == "core") continue;
    EXPECT_NE(std::find(plugins.begin(), plugins.end(), sub.name), plugins.end())
        << "subsystem '" << sub.name << "' is not a registered plugin";
  }
}

TEST(MigrationsCatalogue, BundledPluginEntitiesAreIntroducedByTheMigrationTheirDescriptorNames) {
  for (const schema::BundledPlugin* plugin : schema::bundled_plugins()) {
    for (const schema::BundledPluginEntity& entity : plugin->entities) {
      EXPECT_TRUE(entity.migration.starts_with("000_base_")) << entity.migration;
      bool found = false;
      for (const auto& sub : catalogue(registry())) {
        for (const auto& m : sub.migrations) {
          if (std::find(m.entities.begin(), m.entities.end(), entity.name) == m.entities.end()) continue;
          found = true;
          EXPECT_EQ(sub.name, plugin->name);
          EXPECT_EQ(m.name, entity.migration);
        }
      }
      EXPECT_TRUE(found) << entity.name << " is introduced by no migration";
    }
  }
}

// --- state ---

TEST(MigrationsState, NeverBootstrapped) {
  SchemaState st = compute_state(catalogue(registry()), std::nullopt);
  EXPECT_TRUE(st.needs_bootstrap);
  EXPECT_FALSE(st.is_up_to_date());
  // One subsystem per entry of the catalogue: core and every bundled plugin with entities.
  ASSERT_EQ(st.new_migrations.size(), catalogue(registry()).size());
  EXPECT_TRUE(st.executed.empty());
}

TEST(MigrationsState, SortsExecutedPendingNewAndUnknown) {
  Catalogue cat = {{"core", {{"000_base", {}, false}, {"001_x", {}, true}, {"002_y", {}, false}}},
                   {"key-auth", {{"000_base_key_auth", {}, false}}}};
  std::vector<strategy::MigrationState> rec = {{"core", {"000_base", "099_gone"}, {"001_x"}},
                                               {"old-plugin", {"000_base_old"}, {}}};
  SchemaState st = compute_state(cat, rec);
  EXPECT_FALSE(st.needs_bootstrap);
  ASSERT_EQ(st.executed.size(), 1u);
  EXPECT_EQ(st.executed[0].migrations, std::vector<std::string>{"000_base"});
  ASSERT_EQ(st.pending.size(), 1u);
  EXPECT_EQ(st.pending[0].migrations, std::vector<std::string>{"001_x"});
  ASSERT_EQ(st.new_migrations.size(), 2u);
  EXPECT_EQ(st.new_migrations[0].subsystem, "core");
  EXPECT_EQ(st.new_migrations[0].migrations, std::vector<std::string>{"002_y"});
  EXPECT_EQ(st.new_migrations[1].subsystem, "key-auth");
  ASSERT_EQ(st.unknown.size(), 2u);
  EXPECT_FALSE(st.is_up_to_date());

  Value v = st.to_value();
  EXPECT_EQ(*v.find("needs_bootstrap"), Value(false));
  const Value* pending = v.find("pending_migrations");
  ASSERT_NE(pending, nullptr);
  EXPECT_EQ(*pending->as_array()[0].find("migrations"), Value::array({"001_x"}));
  EXPECT_EQ(*pending->as_array()[0].find("namespace"), Value("kong.db.migrations.core"));
}

TEST(MigrationsState, UpToDateOmitsEmptyLists) {
  Catalogue cat = {{"core", {{"000_base", {}, false}}}};
  SchemaState st = compute_state(cat, std::vector<strategy::MigrationState>{{"core", {"000_base"}, {}}});
  EXPECT_TRUE(st.is_up_to_date());
  Value v = st.to_value();
  EXPECT_EQ(v.find("new_migrations"), nullptr);
  EXPECT_EQ(v.find("pending_migrations"), nullptr);
  EXPECT_NE(v.find("executed_migrations"), nullptr);
}

TEST(MigrationsState, FormatAlignsSubsystemNames) {
  EXPECT_EQ(format_migrations({{"core", {"000_base", "001_x"}}, {"key-auth", {"000_base_key_auth"}}}),
            "    core: 000_base, 001_x\nkey-auth: 000_base_key_auth");
}

// --- runner over SQLite ---

class MigrationsRunner : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kongdb_migrations_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    conn_ = open();
  }
  void TearDown() override {
    conn_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<strategy::Connector> open() {
    auto c = strategy::open_sqlite({.path = (dir_ / "kong.db").string()});
    EXPECT_TRUE(c) << (c ? "" : c.error().to_string());
    return c ? std::move(*c) : nullptr;
  }
  // The catalogue plus one core migration with a teardown, like Kong's 0xx_to_yyy upgrades.
  Catalogue with_upgrade() {
    Catalogue cat = catalogue(registry());
    cat[0].migrations.push_back({"001_upgrade", {}, true});
    return cat;
  }

  std::filesystem::path dir_;
  std::unique_ptr<strategy::Connector> conn_;
};

TEST_F(MigrationsRunner, BootstrapRunsEverything) {
  Runner runner(*conn_, registry(), {.db_label = "database 'test'"});
  auto before = runner.state();
  ASSERT_TRUE(before) << before.error();
  EXPECT_TRUE(before->needs_bootstrap);

  std::ostringstream log;
  auto ok = runner.bootstrap(log);
  ASSERT_TRUE(ok) << ok.error();
  // Every subsystem of the catalogue in order (core first, then the bundled plugins).
  const Catalogue cat = catalogue(registry());
  std::string expected = "Bootstrapping database...\n";
  size_t processed = 0;
  for (const Subsystem& sub : cat) {
    expected += "migrating " + sub.name + " on database 'test'...\n";
    for (const Migration& m : sub.migrations) expected += sub.name + " migrated up to: " + m.name + " (executed)\n";
    processed += sub.migrations.size();
  }
  expected += std::to_string(processed) + " migrations processed\n" + std::to_string(processed) +
              " executed\nDatabase is up-to-date\n";
  EXPECT_EQ(log.str(), expected);
  EXPECT_NE(log.str().find("key-auth migrated up to: 000_base_key_auth (executed)\n"), std::string::npos);
  EXPECT_NE(log.str().find("core migrated up to: 016_280_to_300 (executed)\n"), std::string::npos);

  auto st = runner.state();
  ASSERT_TRUE(st) << st.error();
  EXPECT_TRUE(st->is_up_to_date());
  EXPECT_TRUE(st->pending.empty());
  ASSERT_EQ(st->executed.size(), cat.size());

  // Every entity's storage exists now.
  for (const schema::Schema* s : registry().all()) {
    auto strat = conn_->strategy_for(*s);
    ASSERT_TRUE(strat) << s->name << ": " << strat.error().to_string();
    auto page = (*strat)->page(10, std::nullopt, {});
    EXPECT_TRUE(page) << s->name << ": " << (page ? "" : page.error().to_string());
  }

  std::ostringstream again;
  ASSERT_TRUE(runner.bootstrap(again));
  EXPECT_EQ(again.str(), "Database already bootstrapped\n");
}

TEST_F(MigrationsRunner, UpWithNothingNewSaysUpToDate) {
  Runner runner(*conn_, registry());
  std::ostringstream log;
  ASSERT_TRUE(runner.bootstrap(log));
  std::ostringstream up;
  ASSERT_TRUE(runner.up(up));
  EXPECT_EQ(up.str(), "Database is already up-to-date\n");
  std::ostringstream fin;
  ASSERT_TRUE(runner.finish(fin));
  EXPECT_EQ(fin.str(), "No pending migrations to finish\n");
}

TEST_F(MigrationsRunner, CommandsBeforeBootstrap) {
  Runner runner(*conn_, registry());
  std::ostringstream log;
  auto up = runner.up(log);
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error(), "Cannot run migrations: " + std::string(kNeedsBootstrapMessage));
  EXPECT_FALSE(runner.finish(log));
  auto list = runner.list();
  ASSERT_TRUE(list) << list.error();
  EXPECT_EQ(list->exit_code, 3);
  auto reset = runner.reset(log);
  ASSERT_TRUE(reset);
  EXPECT_FALSE(*reset);
  EXPECT_EQ(log.str(), "Database not bootstrapped, nothing to reset\n");
}

TEST_F(MigrationsRunner, ListAfterBootstrap) {
  Runner runner(*conn_, registry());
  std::ostringstream log;
  ASSERT_TRUE(runner.bootstrap(log));
  auto list = runner.list();
  ASSERT_TRUE(list) << list.error();
  EXPECT_EQ(list->exit_code, 0);
  std::vector<SubsystemMigrations> executed;
  for (const Subsystem& sub : catalogue(registry())) {
    SubsystemMigrations done{sub.name, {}};
    for (const Migration& m : sub.migrations) done.migrations.push_back(m.name);
    executed.push_back(std::move(done));
  }
  EXPECT_EQ(list->text, "Executed migrations:\n" + format_migrations(executed) + "\n");
  EXPECT_NE(list->text.find("key-auth: 000_base_key_auth\n"), std::string::npos);
}

TEST_F(MigrationsRunner, UpLeavesTeardownsPendingUntilFinish) {
  {
    Runner base(*conn_, registry());
    std::ostringstream log;
    ASSERT_TRUE(base.bootstrap(log));
  }
  Runner runner(*conn_, registry(), with_upgrade());
  auto list = runner.list();
  ASSERT_TRUE(list);
  EXPECT_EQ(list->exit_code, 5);
  EXPECT_NE(list->text.find("New migrations available:\ncore: 001_upgrade\n"), std::string::npos)
      << list->text;

  std::ostringstream log;
  // A database with new migrations is refused with the command to run.
  auto ensure = runner.ensure_bootstrapped(true, log);
  ASSERT_FALSE(ensure);
  EXPECT_NE(ensure.error().find("run 'kongdb migrations up'"), std::string::npos) << ensure.error();
  EXPECT_NE(ensure.error().find("core: 001_upgrade"), std::string::npos) << ensure.error();

  std::ostringstream up;
  ASSERT_TRUE(runner.up(up));
  EXPECT_NE(up.str().find("core migrated up to: 001_upgrade (pending)\n"), std::string::npos) << up.str();
  EXPECT_NE(up.str().find("1 pending\n"), std::string::npos) << up.str();
  EXPECT_NE(up.str().find("run 'kongdb migrations finish' when ready"), std::string::npos);

  auto st = runner.state();
  ASSERT_TRUE(st);
  ASSERT_EQ(st->pending.size(), 1u);
  EXPECT_EQ(st->pending[0].migrations, std::vector<std::string>{"001_upgrade"});
  EXPECT_TRUE(st->is_up_to_date());  // pending teardowns do not block use, as in Kong
  EXPECT_TRUE(runner.ensure_bootstrapped(false, log));

  list = runner.list();
  ASSERT_TRUE(list);
  EXPECT_EQ(list->exit_code, 4);
  EXPECT_NE(list->text.find("Pending migrations:\ncore: 001_upgrade\n"), std::string::npos) << list->text;

  // up again refuses while a teardown is pending.
  auto again = runner.up(log);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), "Database has pending migrations; run 'kongdb migrations finish'");

  std::ostringstream fin;
  ASSERT_TRUE(runner.finish(fin));
  EXPECT_NE(fin.str().find("core migrated up to: 001_upgrade (executed)\n"), std::string::npos) << fin.str();
  st = runner.state();
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->pending.empty());
  EXPECT_EQ(st->executed[0].migrations,
            (std::vector<std::string>{"000_base", "016_280_to_300", "017_300_to_310", "001_upgrade"}));
}

TEST_F(MigrationsRunner, NewPluginSubsystemNeedsUp) {
  // A database bootstrapped before key-auth was enabled.
  Catalogue core_only = catalogue(registry());
  core_only.resize(1);
  {
    Runner old(*conn_, registry(), core_only);
    std::ostringstream log;
    ASSERT_TRUE(old.bootstrap(log));
  }
  Runner runner(*conn_, registry());
  std::ostringstream log;
  auto ensure = runner.ensure_bootstrapped(true, log);
  ASSERT_FALSE(ensure);
  EXPECT_NE(ensure.error().find("key-auth: 000_base_key_auth"), std::string::npos) << ensure.error();
  ASSERT_TRUE(runner.up(log));
  EXPECT_TRUE(runner.ensure_bootstrapped(false, log));
  auto strat = conn_->strategy_for(*registry().get("keyauth_credentials"));
  ASSERT_TRUE(strat);
  EXPECT_TRUE((*strat)->page(10, std::nullopt, {}));
}

TEST_F(MigrationsRunner, EnsureBootstrappedOnNewDatabase) {
  Runner runner(*conn_, registry());
  std::ostringstream log;
  auto refused = runner.ensure_bootstrapped(false, log);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), kNeedsBootstrapMessage);
  EXPECT_EQ(log.str(), "");

  ASSERT_TRUE(runner.ensure_bootstrapped(true, log));
  EXPECT_NE(log.str().find("Bootstrapping database..."), std::string::npos);
  auto st = runner.state();
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->is_up_to_date());

  std::ostringstream quiet;
  ASSERT_TRUE(runner.ensure_bootstrapped(true, quiet));
  EXPECT_EQ(quiet.str(), "");  // nothing to do, nothing said
}

TEST_F(MigrationsRunner, ResetDropsEverything) {
  Runner runner(*conn_, registry());
  std::ostringstream log;
  ASSERT_TRUE(runner.bootstrap(log));
  std::ostringstream reset_log;
  auto reset = runner.reset(reset_log);
  ASSERT_TRUE(reset) << reset.error();
  EXPECT_TRUE(*reset);
  EXPECT_EQ(reset_log.str(), "Resetting database...\nDatabase successfully reset\n");
  auto st = runner.state();
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->needs_bootstrap);
  // And it can be bootstrapped again, from a fresh connection too.
  conn_ = open();
  Runner again(*conn_, registry());
  ASSERT_TRUE(again.bootstrap(log));
  auto st2 = again.state();
  ASSERT_TRUE(st2);
  EXPECT_TRUE(st2->is_up_to_date());
}

TEST_F(MigrationsRunner, StateSurvivesReopening) {
  {
    Runner runner(*conn_, registry());
    std::ostringstream log;
    ASSERT_TRUE(runner.bootstrap(log));
  }
  conn_ = open();
  Runner runner(*conn_, registry());
  auto st = runner.state();
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->is_up_to_date());
  EXPECT_FALSE(st->needs_bootstrap);
}

// --- a backend without migrations (memory) ---

TEST(MigrationsWithoutAStore, EveryMigrationCountsAsExecutedAndEveryCommandHasNothingToDo) {
  auto conn = strategy::open_memory();
  ASSERT_TRUE(conn);
  ASSERT_EQ((*conn)->migrations(), nullptr);
  Runner runner(**conn, registry());

  auto st = runner.state();
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->is_up_to_date());
  EXPECT_TRUE(st->pending.empty());
  EXPECT_FALSE(st->executed.empty());

  const std::string nothing = "Database memory keeps no migrations: its tables exist as soon as it opens\n";
  for (auto command : {&Runner::bootstrap, &Runner::up, &Runner::finish}) {
    std::ostringstream log;
    EXPECT_TRUE((runner.*command)(log));
    EXPECT_EQ(log.str(), nothing);
  }
  std::ostringstream log;
  auto reset = runner.reset(log);
  ASSERT_TRUE(reset);
  EXPECT_FALSE(*reset);
  EXPECT_EQ(log.str(), nothing + "nothing to reset\n");

  auto list = runner.list();
  ASSERT_TRUE(list);
  EXPECT_EQ(list->exit_code, 0);
  std::ostringstream quiet;
  EXPECT_TRUE(runner.ensure_bootstrapped(false, quiet));
  EXPECT_EQ(quiet.str(), "");
}

}  // namespace
}  // namespace kongdb::migrations
