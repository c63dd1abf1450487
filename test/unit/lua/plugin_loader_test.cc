// Plugins from disk: the test plugins under test/lua/plugins/kong/plugins (Kong's format) loaded
// into a registry, stored through their DAOs on SQLite and PostgreSQL (when KONG_PG_HOST is
// set), used from Lua through kong.db, and broken plugins refused with clear messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kongdb/dao/db.h"
#include "kongdb/dao/tags.h"
#include "kongdb/lua/plugins.h"
#include "kongdb/lua/singletons.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/strategy/postgres.h"
#include "kongdb/strategy/sqlite.h"
#include "unit/lua/lua_db_fixture.h"

namespace kongdb::lua {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<PluginHost> make_host() {
  const std::string dir = std::string(KONGDB_LUA_TEST_DIR) + "/plugins";
  return std::make_shared<PluginHost>(StateOptions{.package_path = dir + "/?.lua;" + dir + "/?/init.lua;;"});
}

std::string load_error(const std::vector<std::string>& names) {
  auto loaded = load_plugins(make_host(), names);
  EXPECT_FALSE(loaded) << "expected loading to fail";
  return loaded ? std::string() : loaded.error();
}

// --- loading ---

TEST(PluginLoader, RegistersConfigSchemaAndEntitiesFromDisk) {
  auto loaded = load_plugins(make_host(), {"bundled", "kdb-tokens"});
  ASSERT_TRUE(loaded) << loaded.error();
  auto names = loaded->registry->plugin_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "kdb-tokens"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "key-auth"), names.end());

  const schema::Schema* tokens = loaded->registry->get("kdb_tokens");
  ASSERT_NE(tokens, nullptr);
  EXPECT_TRUE(tokens->ttl);
  EXPECT_TRUE(tokens->workspaceable);
  EXPECT_EQ(tokens->cache_key, std::vector<std::string>{"token"});
  EXPECT_EQ(tokens->endpoint_key, "token");
  const schema::Field* consumer = tokens->field("consumer");
  ASSERT_NE(consumer, nullptr);
  EXPECT_EQ(consumer->type(), schema::FieldType::Foreign);
  EXPECT_EQ(consumer->on_delete_, "cascade");
  EXPECT_EQ(consumer->foreign_schema_, loaded->registry->get("consumers"));
  EXPECT_TRUE(tokens->field("token")->is_unique());
  EXPECT_TRUE(tokens->field("id")->is_auto());  // typedefs.uuid

  ASSERT_EQ(loaded->plugins.size(), 1u);
  EXPECT_EQ(loaded->plugins[0].entities, std::vector<std::string>{"kdb_tokens"});
  const auto& sub = loaded->plugins[0].subsystem;
  EXPECT_EQ(sub.name, "kdb-tokens");
  ASSERT_EQ(sub.migrations.size(), 1u);
  EXPECT_EQ(sub.migrations[0].name, "000_base_kdb_tokens");
  EXPECT_EQ(sub.migrations[0].entities, std::vector<std::string>{"kdb_tokens"});
  EXPECT_TRUE(sub.migrations[0].up_sql.count("postgres"));
  EXPECT_TRUE(sub.migrations[0].teardown.count("postgres"));
}

TEST(PluginLoader, PluginEntitiesLeaveCoreMigrationForThePluginSubsystem) {
  auto loaded = load_plugins(make_host(), {"kdb-tokens", "kdb-legacy"});
  ASSERT_TRUE(loaded) << loaded.error();
  auto catalogue = migrations::catalogue(*loaded->registry, loaded->subsystems());
  ASSERT_FALSE(catalogue.empty());
  const auto& core = catalogue.front().migrations.front().entities;
  EXPECT_EQ(std::find(core.begin(), core.end(), "kdb_tokens"), core.end());
  std::vector<std::string> subsystems;
  for (const auto& s : catalogue) subsystems.push_back(s.name);
  EXPECT_EQ(subsystems.back(), "kdb-legacy");
  EXPECT_EQ(catalogue.back().migrations.front().name, "000_base_kdb_legacy");
}

TEST(PluginLoader, TypedefCalledWithOverridesKeepsTheTypedefAndTakesTheOverride) {
  auto loaded = load_plugins(make_host(), {"kdb-tokens"});
  ASSERT_TRUE(loaded) << loaded.error();
  const schema::Schema* plugins = loaded->registry->get("plugins");
  auto processed = plugins->process_auto_fields(Value::object({{"name", "kdb-tokens"}}), schema::Context::Insert);
  ASSERT_TRUE(processed);
  const Value* config = processed->data.find("config");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(*config->find("upstream_port"), Value(8080));
  EXPECT_EQ(*config->find("header_names"), Value::array({"x-token"}));
  EXPECT_EQ(*config->find("mode"), Value("strict"));
  // typedefs.port's own range is kept under the override.
  auto errs = plugins->validate_insert(Value::object(
      {{"name", "kdb-tokens"},
       {"protocols", Value::array({"http"})},
       {"config", Value::object({{"header_names", Value::array({"x"})}, {"upstream_port", 70000},
                                 {"lifetime", 60}, {"prefix", Value()}, {"mode", "strict"}})}}));
  ASSERT_TRUE(errs);
  EXPECT_EQ(*errs->find("config")->find("upstream_port"), Value("value should be between 0 and 65535"));
}

TEST(PluginLoader, LegacyMapFormatDaosBecomeForeignKeysAndAutoFields) {
  auto loaded = load_plugins(make_host(), {"kdb-legacy"});
  ASSERT_TRUE(loaded) << loaded.error();
  const schema::Schema* keys = loaded->registry->get("kdb_legacy_keys");
  ASSERT_NE(keys, nullptr);
  EXPECT_EQ(keys->primary_key, std::vector<std::string>{"id"});
  EXPECT_EQ(keys->fields[0].first, "id");
  EXPECT_EQ(keys->fields[1].first, "created_at");
  EXPECT_EQ(keys->cache_key, std::vector<std::string>{"key"});
  ASSERT_NE(keys->field("consumer"), nullptr);
  EXPECT_EQ(keys->field("consumer_id"), nullptr);
  EXPECT_EQ(keys->field("consumer")->on_delete_, "cascade");
  EXPECT_TRUE(keys->field("key")->is_auto());  // default = utils.random_string
  EXPECT_TRUE(keys->ttl);
}

TEST(PluginLoader, MissingPluginIsReported) {
  EXPECT_EQ(load_error({"kdb-nowhere"}),
            "error loading plugin schemas: on plugin 'kdb-nowhere': no configuration schema found for "
            "plugin: kdb-nowhere");
}

TEST(PluginLoader, SchemaThatRaisesNamesThePluginAndTheError) {
  auto err = load_error({"bad-schema-raises"});
  EXPECT_THAT(err, HasSubstr("on plugin 'bad-schema-raises'"));
  EXPECT_THAT(err, HasSubstr("schema exploded"));
}

TEST(PluginLoader, DaosThatRaisesFailsTheWholeLoad) {
  auto err = load_error({"kdb-tokens", "bad-daos-raises"});
  EXPECT_THAT(err, HasSubstr("on plugin 'bad-daos-raises'"));
  EXPECT_THAT(err, HasSubstr("daos exploded"));
  EXPECT_THAT(err, ::testing::Not(HasSubstr("kdb-tokens")));
}

TEST(PluginLoader, DaosReturningAStringIsNotAnArray) {
  EXPECT_EQ(load_error({"bad-daos-string"}),
            "error loading plugin schemas: on plugin 'bad-daos-string': custom plugin 'bad-daos-string' "
            "returned non-array daos definition table");
}

TEST(PluginLoader, DaosWithBadAttributeTypeNamesEntityAndField) {
  auto err = load_error({"bad-daos-types"});
  EXPECT_THAT(err, HasSubstr("on plugin 'bad-daos-types'"));
  EXPECT_THAT(err, HasSubstr("field 'amount': attribute 'required': expected a boolean, got a string"));
}

TEST(PluginLoader, UnknownTypedefIsKongsTypedefError) {
  auto err = load_error({"bad-typedef"});
  EXPECT_THAT(err, HasSubstr("on plugin 'bad-typedef'"));
  EXPECT_THAT(err, HasSubstr("schema typedef error: definition no_such_typedef does not exist"));
}

TEST(PluginLoader, ConfigSchemaFailingTheMetaschemaNamesTheField) {
  auto err = load_error({"bad-metaschema"});
  EXPECT_THAT(err, HasSubstr("on plugin 'bad-metaschema'"));
  EXPECT_THAT(err, HasSubstr("port"));
  EXPECT_THAT(err, HasSubstr("field of type 'integer' cannot have attribute 'match'"));
}

TEST(PluginLoader, EntityFailingTheMetaschemaNamesPluginAndEntity) {
  auto err = load_error({"bad-entity-metaschema"});
  EXPECT_THAT(err, HasSubstr("schema of custom plugin entity 'bad-entity-metaschema.bad_cache_keys' is invalid"));
  EXPECT_THAT(err, HasSubstr("a field used as a single cache key must be unique"));
}

TEST(PluginLoader, EveryFailingPluginIsListed) {
  auto err = load_error({"bad-typedef", "kdb-tokens", "bad-daos-string"});
  EXPECT_THAT(err, HasSubstr("on plugin 'bad-typedef'"));
  EXPECT_THAT(err, HasSubstr("; on plugin 'bad-daos-string'"));
}

TEST(PluginLoader, InvalidPluginNameIsRefusedBeforeRequire) {
  EXPECT_THAT(load_error({"../etc"}), HasSubstr("on plugin '../etc': invalid plugin name"));
}

TEST(PluginLoader, HostStaysUsableAfterAFailedLoad) {
  auto host = make_host();
  ASSERT_FALSE(load_plugins(host, {"bad-daos-raises"}));
  auto loaded = load_plugins(host, {"kdb-tokens"});
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_NE(loaded->registry->get("kdb_tokens"), nullptr);
  EXPECT_EQ(loaded->registry->get("bad_types"), nullptr);
}

TEST(PluginLoader, BundledAndOffAreNotLoadedFromDisk) {
  auto loaded = load_plugins(make_host(), {"bundled", "key-auth", "off"});
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_TRUE(loaded->plugins.empty());
  EXPECT_NE(loaded->registry->get("keyauth_credentials"), nullptr);
}

TEST(PluginLoader, LuaValidatorsAreSafeToCallFromManyThreads) {
  auto loaded = load_plugins(make_host(), {"kdb-tokens"});
  ASSERT_TRUE(loaded) << loaded.error();
  const schema::Schema* tokens = loaded->registry->get("kdb_tokens");
  const schema::Field* token = tokens->field("token");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto short_err = tokens->validate_field(*token, Value("ab"));
        auto ok = tokens->validate_field(*token, Value("abcdef"));
        if (!short_err || *short_err != Value("token too short") || ok) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

// --- storage, per backend ---

class PluginDb : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto base = std::filesystem::temp_directory_path() / "kongdb-plugins-XXXXXX";
    std::string pattern = base.string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    tmpdir_ = pattern;
    const char* pg_host = std::getenv("KONG_PG_HOST");
    if (GetParam() == "postgres" && (!pg_host || !*pg_host)) {
      GTEST_SKIP() << "KONG_PG_HOST is not set (run through scripts/with_postgres.sh)";
    }
    auto connector = open_connector();
    ASSERT_TRUE(connector) << connector.error().to_string();
    host_ = make_host();
    auto loaded = load_plugins(host_, {"bundled", "kdb-tokens", "kdb-legacy"});
    ASSERT_TRUE(loaded) << loaded.error();
    std::ostringstream log;
    migrations::Runner runner(**connector, *loaded->registry,
                              migrations::catalogue(*loaded->registry, loaded->subsystems()));
    auto boot = runner.bootstrap(log);
    ASSERT_TRUE(boot) << boot.error() << log.str();
    auto state = runner.state();
    ASSERT_TRUE(state) << state.error();
    ASSERT_TRUE(state->is_up_to_date());
    ASSERT_TRUE(state->pending.empty());  // the teardown ran during bootstrap
    auto created = dao::DB::create(std::move(*connector), loaded->registry);
    ASSERT_TRUE(created) << created.error().to_string();
    db_ = std::move(*created);
    install_singletons(host_->state, *db_);
    auto consumer = db_->dao("consumers")->insert(Value::object({{"username", "alice"}}));
    ASSERT_TRUE(consumer) << consumer.error().to_string();
    consumer_id_ = *consumer->find("id");
  }

  void TearDown() override {
    db_.reset();
    host_.reset();
    std::error_code ec;
    if (!tmpdir_.empty()) std::filesystem::remove_all(tmpdir_, ec);
  }

  dao::DAO& tokens() { return *db_->dao("kdb_tokens"); }
  Value consumer_ref() const { return Value::object({{"id", consumer_id_}}); }

  void run(const std::string& code) {
    auto r = host_->state.run_string(code, "=test");
    ASSERT_TRUE(r) << r.error();
  }

  std::string tmpdir_;
  std::shared_ptr<PluginHost> host_;
  std::unique_ptr<dao::DB> db_;
  Value consumer_id_;

  /// A fresh database: a new SQLite file, or a new PostgreSQL schema (reset).
  Result<std::unique_ptr<strategy::Connector>> open_connector() {
    if (GetParam() == "sqlite") {
      return strategy::open_sqlite({.path = tmpdir_ + "/plugins-" + std::to_string(++opened_) + ".db"});
    }
    if (GetParam() == "memory") return strategy::open_memory({});
    return testing::open_test_postgres("kongdb_plugins_");
  }

 private:
  int opened_ = 0;
};

TEST_P(PluginDb, EntityCrudThroughItsDao) {
  auto inserted = tokens().insert(Value::object({{"consumer", consumer_ref()}, {"token", "abcd"}}));
  ASSERT_TRUE(inserted) << inserted.error().to_string();
  EXPECT_EQ(*inserted->find("scopes"), Value::array());
  auto by_token = tokens().select_by("token", "abcd");
  ASSERT_TRUE(by_token && *by_token) << (by_token ? "missing" : by_token.error().to_string());
  EXPECT_EQ(*(**by_token).find("id"), *inserted->find("id"));
  auto updated = tokens().update_by("token", "abcd", Value::object({{"scopes", Value::array({"read"})}}));
  ASSERT_TRUE(updated) << updated.error().to_string();
  EXPECT_EQ(*updated->find("scopes"), Value::array({"read"}));
  auto page = tokens().page_for("consumer", consumer_ref());
  ASSERT_TRUE(page) << page.error().to_string();
  EXPECT_EQ(page->rows.size(), 1u);
  auto cached = tokens().select_by_cache_key(Value("abcd"));
  ASSERT_TRUE(cached && *cached);
  auto removed = tokens().remove_by("token", "abcd");
  ASSERT_TRUE(removed) << removed.error().to_string();
  auto gone = tokens().select_by("token", "abcd");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_P(PluginDb, DeletingTheConsumerCascadesToItsTokens) {
  for (const char* t : {"tok-1", "tok-2"}) {
    auto r = tokens().insert(Value::object({{"consumer", consumer_ref()}, {"token", t}}));
    ASSERT_TRUE(r) << r.error().to_string();
  }
  auto removed = db_->dao("consumers")->remove(Value::object({{"id", consumer_id_}}));
  ASSERT_TRUE(removed) << removed.error().to_string();
  auto page = tokens().page();
  ASSERT_TRUE(page) << page.error().to_string();
  EXPECT_TRUE(page->rows.empty());
}

TEST_P(PluginDb, DuplicateTokenIsAUniqueViolation) {
  ASSERT_TRUE(tokens().insert(Value::object({{"consumer", consumer_ref()}, {"token", "same"}})));
  auto dup = tokens().insert(Value::object({{"consumer", consumer_ref()}, {"token", "same"}}));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::UniqueViolation);
  EXPECT_EQ(dup.error().fields, Value::object({{"token", "same"}}));
}

TEST_P(PluginDb, UnknownConsumerIsAForeignKeyViolation) {
  auto r = tokens().insert(Value::object(
      {{"consumer", Value::object({{"id", "6f1e4c7a-4b0e-4f0e-9d5e-2b6f8e0c1a11"}})}, {"token", "orphan"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::ForeignKeyViolation);
}

TEST_P(PluginDb, TagsOfPluginEntitiesReachTheTagsIndex) {
  auto r = tokens().insert(Value::object(
      {{"consumer", consumer_ref()}, {"token", "tagged"}, {"tags", Value::array({"plugin-tag"})}}));
  ASSERT_TRUE(r) << r.error().to_string();
  auto* tags = dynamic_cast<dao::TagsDAO*>(db_->dao("tags"));
  ASSERT_NE(tags, nullptr);
  auto page = tags->page_by_tag("plugin-tag");
  ASSERT_TRUE(page) << page.error().to_string();
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(*page->rows[0].find("entity_name"), Value("kdb_tokens"));
  EXPECT_EQ(*page->rows[0].find("entity_id"), *r->find("id"));
}

TEST_P(PluginDb, LuaCustomValidatorMessageIsASchemaViolation) {
  auto r = tokens().insert(Value::object({{"consumer", consumer_ref()}, {"token", "ab"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SchemaViolation);
  EXPECT_EQ(r.error().fields, Value::object({{"token", "token too short"}}));
}

TEST_P(PluginDb, TtlOptionIsAcceptedAndReportedBack) {
  auto r = tokens().insert(Value::object({{"consumer", consumer_ref()}, {"token", "short-lived"}}),
                           Value::object({{"ttl", 100}}));
  ASSERT_TRUE(r) << r.error().to_string();
  auto read = tokens().select_by("token", "short-lived");
  ASSERT_TRUE(read && *read);
  const Value* ttl = (**read).find("ttl");
  ASSERT_NE(ttl, nullptr);
  ASSERT_TRUE(ttl->is_number());
  EXPECT_GT(ttl->as_number(), 0);
  EXPECT_LE(ttl->as_number(), 100);
}

TEST_P(PluginDb, PluginConfigIsValidatedByItsLuaSchema) {
  dao::DAO& plugins = *db_->dao("plugins");
  auto spaced = plugins.insert(Value::object({{"name", "kdb-tokens"}, {"config", Value::object({{"prefix", "a b"}})}}));
  ASSERT_FALSE(spaced);
  EXPECT_EQ(spaced.error().fields, Value::object({{"config", Value::object({{"prefix", "must not contain spaces"}})}}));
  auto any = plugins.insert(Value::object({{"name", "kdb-tokens"}, {"config", Value::object({{"prefix", "any"}})}}));
  ASSERT_FALSE(any);
  EXPECT_THAT(any.error().message, HasSubstr("prefix 'any' is not allowed in strict mode"));
  auto ok = plugins.insert(Value::object({{"name", "kdb-tokens"}, {"config", Value::object({{"prefix", "p-"}})}}));
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(*ok->find("config")->find("lifetime"), Value(60));
}

TEST_P(PluginDb, LegacyEntityStoresWithGeneratedKeyAndFuncValidator) {
  dao::DAO& keys = *db_->dao("kdb_legacy_keys");
  auto r = keys.insert(Value::object({{"consumer", consumer_ref()}}));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->find("key")->as_string().size(), 32u);
  auto bad = keys.insert(Value::object({{"consumer", consumer_ref()}, {"note", "bad"}}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().fields, Value::object({{"note", "note is bad"}}));
  ASSERT_TRUE(db_->dao("consumers")->remove(Value::object({{"id", consumer_id_}})));
  auto page = keys.page();
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->rows.empty());
}

TEST_P(PluginDb, LuaCodeUsesThePluginEntityThroughKongDb) {
  run(R"lua(
    local db = require("kong.singletons").db
    local consumer = assert(db.consumers:select_by_username("alice"))
    local token, err, err_t = db.kdb_tokens:insert({ consumer = { id = consumer.id }, token = "from-lua" },
                                                   { ttl = 50 })
    assert(token, err)
    assert(token.ttl and token.ttl > 0 and token.ttl <= 50, "ttl " .. tostring(token.ttl))
    local again = assert(db.kdb_tokens:select_by_token("from-lua"))
    assert(again.id == token.id)

    local updated = assert(db.kdb_tokens:update_by_token("from-lua", { scopes = { "read", "write" } }))
    assert(#updated.scopes == 2 and updated.scopes[1] == "read")
    local rows = assert(db.kdb_tokens:page_for_consumer({ id = consumer.id }))
    assert(#rows == 1 and rows[1].token == "from-lua")
    local cached = assert(db.kdb_tokens:select_by_cache_key("from-lua"))
    assert(cached.id == token.id)

    local bad_ttl, bad_ttl_err = db.kdb_tokens:insert({ consumer = { id = consumer.id }, token = "tttt" },
                                                      { ttl = -1 })
    assert(bad_ttl == nil and bad_ttl_err:find("ttl", 1, true), bad_ttl_err)

    local dup, dup_err, dup_t = db.kdb_tokens:insert({ consumer = { id = consumer.id }, token = "from-lua" })
    assert(dup == nil and dup_t.code == 5, "expected a unique violation, got " .. tostring(dup_err))

    local short, short_err, short_t = db.kdb_tokens:insert({ consumer = { id = consumer.id }, token = "x" })
    assert(short == nil and short_t.code == 2 and short_t.fields.token == "token too short", short_err)

    assert(db.consumers:delete({ id = consumer.id }))
    assert(db.kdb_tokens:select_by_token("from-lua") == nil, "cascade should have removed the token")
  )lua");
}

TEST_P(PluginDb, LegacyPluginEntityThroughTheLegacyDao) {
  run(R"lua(
    local dao = require("kong.singletons").dao
    local consumer = assert(kong.db.consumers:select_by_username("alice"))
    local row, err = dao.kdb_legacy_keys:insert({ consumer_id = consumer.id, note = "hi" })
    assert(row, tostring(err))
    assert(row.consumer_id == consumer.id and #row.key == 32)
    local rows = assert(dao.kdb_legacy_keys:find_all({ consumer_id = consumer.id }))
    assert(#rows == 1 and rows[1].note == "hi")
    local bad, bad_err = dao.kdb_legacy_keys:insert({ consumer_id = consumer.id, note = "bad" })
    assert(bad == nil and tostring(bad_err):find("note is bad", 1, true), tostring(bad_err))
  )lua");
}

// A plugin added to a database bootstrapped without it: `up` runs its migration (pending on
// PostgreSQL, where it has a teardown), `finish` runs the teardown through connector:query.
TEST_P(PluginDb, AddedPluginMigratesWithUpThenFinish) {
  const char* pg_host = std::getenv("KONG_PG_HOST");
  if (GetParam() == "postgres" && (!pg_host || !*pg_host)) GTEST_SKIP() << "KONG_PG_HOST is not set";
  if (GetParam() == "memory") GTEST_SKIP() << "memory keeps no migrations: a plugin's tables exist once it is loaded";
  db_.reset();
  auto connector = open_connector();
  ASSERT_TRUE(connector) << connector.error().to_string();
  std::ostringstream log;
  {
    auto core = schema::EntityRegistry::with_core_entities();
    migrations::Runner runner(**connector, core);
    ASSERT_TRUE(runner.bootstrap(log)) << log.str();
  }
  auto loaded = load_plugins(host_, {"kdb-tokens"});
  ASSERT_TRUE(loaded) << loaded.error();
  migrations::Runner runner(**connector, *loaded->registry,
                            migrations::catalogue(*loaded->registry, loaded->subsystems()));
  auto before = runner.state();
  ASSERT_TRUE(before) << before.error();
  ASSERT_EQ(before->new_migrations.size(), 1u);
  EXPECT_EQ(before->new_migrations[0].subsystem, "kdb-tokens");

  auto up = runner.up(log);
  ASSERT_TRUE(up) << up.error() << log.str();
  auto after_up = runner.state();
  ASSERT_TRUE(after_up) << after_up.error();
  EXPECT_TRUE(after_up->new_migrations.empty());
  EXPECT_EQ(after_up->pending.size(), GetParam() == "postgres" ? 1u : 0u);

  auto finish = runner.finish(log);
  ASSERT_TRUE(finish) << finish.error() << log.str();
  auto after_finish = runner.state();
  ASSERT_TRUE(after_finish) << after_finish.error();
  EXPECT_TRUE(after_finish->pending.empty());
  EXPECT_TRUE(after_finish->is_up_to_date());

  auto created = dao::DB::create(std::move(*connector), loaded->registry);
  ASSERT_TRUE(created) << created.error().to_string();
  auto consumer = (*created)->dao("consumers")->insert(Value::object({{"username", "carol"}}));
  ASSERT_TRUE(consumer) << consumer.error().to_string();
  auto token = (*created)->dao("kdb_tokens")->insert(
      Value::object({{"consumer", Value::object({{"id", *consumer->find("id")}})}, {"token", "late"}}));
  ASSERT_TRUE(token) << token.error().to_string();
}

INSTANTIATE_TEST_SUITE_P(Backends, PluginDb, ::testing::Values("sqlite", "postgres", "memory"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace kongdb::lua
