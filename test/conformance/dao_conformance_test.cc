// The DAO conformance cases. Behaviour and messages follow Kong's kong/db/dao/init.lua,
// kong/db/errors.lua and spec/02-integration/03-db/{02-db_core_entities,07-tags,
// 10-db_unique_foreign,20-ttl-cleanup}_spec.lua. See dao_conformance.h for how a backend joins.
#include "conformance/dao_conformance.h"
#include "conformance/test_certificate.h"

#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <system_error>

#include "kongdb/core/error.h"
#include "kongdb/core/json.h"
#include "kongdb/dao/tags.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/schema/schema.h"

namespace kongdb {
// Failure output shows Values as JSON.
[[maybe_unused]] static void PrintTo(const Value& v, std::ostream* os) { *os << json::encode(v); }
}  // namespace kongdb

namespace kongdb::conformance {

using dao::CrudEvent;
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

Value J(std::string_view json_text) {
  auto v = json::parse(json_text);
  if (!v) {
    ADD_FAILURE() << "bad JSON in test: " << v.error() << ": " << json_text;
    std::abort();
  }
  return *v;
}

namespace {

schema::Schema notes_schema() {
  using schema::Field;
  schema::Schema s;
  s.name = kNotesEntity;
  s.primary_key = {"id"};
  s.fields = {
      {"id", Field::string().uuid().auto_fill()},
      {"created_at", Field::integer().timestamp().auto_fill()},
      {"slug", Field::string().required().unique().immutable()},
      {"body", Field::string()},
  };
  return s;
}

std::string describe(const Error& e) {
  return "error code " + std::to_string(static_cast<int>(e.code)) + " (" + e.name + "): " +
         e.to_string() + " fields=" + json::encode(e.fields);
}

template <class T>
AssertionResult Ok(const Result<T>& r) {
  if (r) return AssertionSuccess();
  return AssertionFailure() << describe(r.error());
}

template <class T>
AssertionResult Fails(const Result<T>& r, ErrorCode code, std::string_view message) {
  if (r) return AssertionFailure() << "succeeded, expected error code " << static_cast<int>(code);
  const Error& e = r.error();
  if (e.code != code || e.message != message) {
    return AssertionFailure() << "got " << describe(e) << "\n  want code "
                              << static_cast<int>(code) << ": " << message;
  }
  return AssertionSuccess();
}

template <class T>
AssertionResult FailsWithCode(const Result<T>& r, ErrorCode code) {
  if (r) return AssertionFailure() << "succeeded, expected error code " << static_cast<int>(code);
  if (r.error().code != code) {
    return AssertionFailure() << "got " << describe(r.error()) << "\n  want code "
                              << static_cast<int>(code);
  }
  return AssertionSuccess();
}

/// v.a.b.c, or nullptr when a step is missing.
const Value* at(const Value& v, std::string_view path) {
  const Value* cur = &v;
  while (cur) {
    auto dot = path.find('.');
    cur = cur->find(path.substr(0, dot));
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return cur;
}

Value get(const Value& v, std::string_view path) {
  const Value* p = at(v, path);
  return p ? *p : Value();
}

std::string str(const Value& v, std::string_view path) {
  const Value* p = at(v, path);
  return p && p->is_string() ? p->as_string() : std::string("<missing>");
}

Value id_of(const Value& entity) { return Value::object({{"id", get(entity, "id")}}); }

std::string show(const Value& v) { return json::encode(v); }

constexpr const char* kUnknownId = "7d9e5f3a-1b2c-4d5e-8f90-123456789abc";


}  // namespace

void DaoConformance::SetUp() {
  const Backend& backend = GetParam();
  if (backend.unavailable) GTEST_SKIP() << backend.name << ": " << *backend.unavailable;
  if (backend.known_limit) {
    if (auto limit = backend.known_limit(::testing::UnitTest::GetInstance()->current_test_info()->name())) {
      GTEST_SKIP() << backend.name << ": " << *limit;
    }
  }
  auto base = std::filesystem::temp_directory_path() / "kongdb-conformance-XXXXXX";
  std::string pattern = base.string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp failed";
  tmpdir = pattern;

  auto reg = std::make_shared<schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
  auto notes = reg->add(notes_schema());
  ASSERT_TRUE(notes) << notes.error();
  registry = reg;

  auto conn = GetParam().open(clock, tmpdir);
  ASSERT_TRUE(Ok(conn)) << "opening the " << GetParam().name << " connector";
  std::unique_ptr<strategy::Connector> connector = std::move(*conn);

  // Kong's `migrations bootstrap`: every subsystem's migrations for this registry (the suite's
  // own entity lands in core's 000_base, as an entity no plugin owns).
  std::ostringstream log;
  migrations::Runner runner(*connector, *registry);
  auto boot = runner.bootstrap(log);
  ASSERT_TRUE(boot) << boot.error() << "\n" << log.str();

  auto created = dao::DB::create(std::move(connector), registry, dao::DBOptions{&clock, &ids});
  ASSERT_TRUE(Ok(created));
  db = std::move(*created);
  db->subscribe([this](const CrudEvent& e) { events.push_back(e); });
}

void DaoConformance::TearDown() {
  db.reset();
  if (!tmpdir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(tmpdir, ec);
  }
}

dao::DAO& DaoConformance::dao(std::string_view name) {
  dao::DAO* d = db->dao(name);
  if (!d) {
    ADD_FAILURE() << "no DAO for " << name;
    std::abort();
  }
  return *d;
}

Value DaoConformance::insert_ok(std::string_view entity_name, const Value& entity,
                                const Value& options) {
  auto r = dao(entity_name).insert(entity, options);
  EXPECT_TRUE(Ok(r)) << "inserting into " << entity_name << ": " << show(entity);
  return r ? *r : Value();
}

int64_t DaoConformance::count(std::string_view entity_name) {
  int64_t n = 0;
  std::optional<std::string> offset;
  do {
    auto p = dao(entity_name).page(dao::kMaxPageSize, offset);
    EXPECT_TRUE(Ok(p)) << "counting " << entity_name;
    if (!p) return -1;
    n += static_cast<int64_t>(p->rows.size());
    offset = p->offset;
  } while (offset);
  return n;
}

// Shorthands used by many cases.
#define ASSERT_OK(expr) ASSERT_TRUE(Ok(expr))
#define EXPECT_OK(expr) EXPECT_TRUE(Ok(expr))

// ---------------------------------------------------------------------------------------------
// select
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, SelectReturnsTheInsertedEntity) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  auto r = dao("services").select(id_of(s));
  ASSERT_OK(r);
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, s) << show(**r) << "\nvs\n" << show(s);
}

TEST_P(DaoConformance, SelectIgnoresNonPrimaryKeyFieldsOfTheKey) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  auto r = dao("services").select(s);  // the whole entity as the key
  ASSERT_OK(r);
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(get(**r, "id"), get(s, "id"));
}

TEST_P(DaoConformance, SelectOfAMissingRowReturnsNothingWithoutError) {
  auto r = dao("services").select(Value::object({{"id", kUnknownId}}));
  ASSERT_OK(r);
  EXPECT_FALSE(r->has_value());
}

TEST_P(DaoConformance, SelectWithAnInvalidPrimaryKeyFailsWithInvalidPrimaryKey) {
  auto r = dao("services").select(J(R"({"id":"not-a-uuid"})"));
  ASSERT_TRUE(Fails(r, ErrorCode::InvalidPrimaryKey,
                    R"(invalid primary key: '{id="expected a valid UUID"}')"));
  EXPECT_EQ(r.error().fields, J(R"({"id":"expected a valid UUID"})"));
  EXPECT_EQ(r.error().name, "invalid primary key");
}

// ---------------------------------------------------------------------------------------------
// insert: every core entity kind
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, InsertServiceByUrlExpandsTheShorthandAndFillsDefaults) {
  Value s = insert_ok("services", J(R"({"name":"s1","url":"https://example.com:8443/api"})"));
  EXPECT_TRUE(is_valid_uuid(str(s, "id"))) << show(s);
  EXPECT_EQ(get(s, "protocol"), Value("https"));
  EXPECT_EQ(get(s, "host"), Value("example.com"));
  EXPECT_EQ(get(s, "port"), Value(8443));
  EXPECT_EQ(get(s, "path"), Value("/api"));
  EXPECT_EQ(get(s, "retries"), Value(5));
  EXPECT_EQ(get(s, "connect_timeout"), Value(60000));
  EXPECT_EQ(get(s, "write_timeout"), Value(60000));
  EXPECT_EQ(get(s, "read_timeout"), Value(60000));
  EXPECT_EQ(get(s, "enabled"), Value(true));
  EXPECT_EQ(get(s, "created_at"), Value(clock.time()));
  EXPECT_EQ(get(s, "updated_at"), Value(clock.time()));
  EXPECT_EQ(at(s, "url"), nullptr) << "the url shorthand is not stored: " << show(s);
  EXPECT_EQ(at(s, "ws_id"), nullptr) << "ws_id is hidden without show_ws_id";
}

TEST_P(DaoConformance, InsertOmitsNullFieldsUnlessNullsIsRequested) {
  Value s = insert_ok("services", J(R"({"host":"example.com"})"));
  EXPECT_EQ(at(s, "name"), nullptr) << show(s);
  EXPECT_EQ(at(s, "path"), nullptr) << show(s);

  auto with_nulls = dao("services").select(id_of(s), J(R"({"nulls":true})"));
  ASSERT_OK(with_nulls);
  ASSERT_TRUE(with_nulls->has_value());
  ASSERT_NE(at(**with_nulls, "name"), nullptr) << show(**with_nulls);
  EXPECT_TRUE(get(**with_nulls, "name").is_null());
  ASSERT_NE(at(**with_nulls, "path"), nullptr);
  EXPECT_TRUE(get(**with_nulls, "path").is_null());

  Value n = insert_ok("services", J(R"({"host":"example.org"})"), J(R"({"nulls":true})"));
  ASSERT_NE(at(n, "name"), nullptr) << show(n);
  EXPECT_TRUE(get(n, "name").is_null());
}

TEST_P(DaoConformance, InsertRouteWithServiceGivenById) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  Value route = J(R"({"paths":["/r"]})");
  route.as_object().set("service", id_of(s));
  Value r = insert_ok("routes", route);
  EXPECT_EQ(get(r, "service"), id_of(s)) << show(r);
  EXPECT_EQ(get(r, "protocols"), J(R"(["http","https"])"));
  EXPECT_EQ(get(r, "paths"), J(R"(["/r"])"));
}

TEST_P(DaoConformance, InsertRouteResolvesItsServiceByName) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  Value r = insert_ok("routes", J(R"({"paths":["/r"],"service":{"name":"s1"}})"));
  EXPECT_EQ(get(r, "service"), id_of(s)) << show(r);
  auto again = dao("routes").select(id_of(r));
  ASSERT_OK(again);
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ(get(**again, "service"), id_of(s));
}

TEST_P(DaoConformance, InsertRouteWithAnUnknownServiceNameFailsUnresolvedAndWritesNothing) {
  auto r = dao("routes").insert(J(R"({"paths":["/r"],"service":{"name":"nope"}})"));
  ASSERT_TRUE(Fails(r, ErrorCode::ForeignKeysUnresolved,
                    "foreign key unresolved (service.name: the foreign key cannot be resolved "
                    "with '{name=\"nope\"}' for an existing 'services' entity)"));
  EXPECT_EQ(r.error().fields,
            J(R"({"service":{"name":"the foreign key cannot be resolved with '{name=\"nope\"}' for an existing 'services' entity"}})"));
  EXPECT_EQ(count("routes"), 0);
}

TEST_P(DaoConformance, InsertRouteReferencingANonexistentServiceIdFailsForeignKeyViolation) {
  Value route = J(R"({"paths":["/r"]})");
  route.as_object().set("service", Value::object({{"id", kUnknownId}}));
  auto r = dao("routes").insert(route);
  ASSERT_TRUE(Fails(r, ErrorCode::ForeignKeyViolation,
                    std::string("the foreign key '{id=\"") + kUnknownId +
                        "\"}' does not reference an existing 'services' entity."));
  EXPECT_EQ(r.error().fields,
            Value::object({{"service", Value::object({{"id", kUnknownId}})}}));
  EXPECT_EQ(count("routes"), 0);
}

TEST_P(DaoConformance, InsertKeyAuthPluginOnAServiceFillsItsConfigDefaults) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  Value plugin = J(R"({"name":"key-auth"})");
  plugin.as_object().set("service", id_of(s));
  Value p = insert_ok("plugins", plugin);
  EXPECT_EQ(get(p, "service"), id_of(s)) << show(p);
  EXPECT_EQ(get(p, "enabled"), Value(true));
  EXPECT_EQ(get(p, "config.key_names"), J(R"(["apikey"])"));
  EXPECT_EQ(get(p, "config.hide_credentials"), Value(false));
  EXPECT_EQ(get(p, "config.key_in_header"), Value(true));
  EXPECT_EQ(get(p, "config.key_in_query"), Value(true));
  EXPECT_EQ(get(p, "config.key_in_body"), Value(false));
  EXPECT_EQ(get(p, "config.run_on_preflight"), Value(true));
  EXPECT_EQ(at(p, "route"), nullptr);
  EXPECT_EQ(at(p, "consumer"), nullptr);
  EXPECT_TRUE(get(p, "protocols").is_array());
}

TEST_P(DaoConformance, InsertConsumer) {
  Value c = insert_ok("consumers", J(R"({"username":"alice","custom_id":"a-1","tags":["t1"]})"));
  EXPECT_EQ(get(c, "username"), Value("alice"));
  EXPECT_EQ(get(c, "custom_id"), Value("a-1"));
  EXPECT_EQ(get(c, "tags"), J(R"(["t1"])"));
  EXPECT_EQ(get(c, "created_at"), Value(clock.time()));
}

TEST_P(DaoConformance, InsertConsumerWithoutUsernameOrCustomIdIsASchemaViolation) {
  auto r = dao("consumers").insert(J("{}"));
  ASSERT_TRUE(FailsWithCode(r, ErrorCode::SchemaViolation));
  EXPECT_EQ(r.error().name, "schema violation");
  EXPECT_EQ(count("consumers"), 0);
}

TEST_P(DaoConformance, InsertUpstreamAndATargetNormalisesTheTarget) {
  Value u = insert_ok("upstreams", J(R"({"name":"u1"})"));
  EXPECT_EQ(get(u, "name"), Value("u1"));
  EXPECT_EQ(get(u, "slots"), Value(10000)) << show(u);
  Value target = J(R"({"target":"10.0.0.1"})");
  target.as_object().set("upstream", id_of(u));
  Value t = insert_ok("targets", target);
  EXPECT_EQ(get(t, "target"), Value("10.0.0.1:8000")) << show(t);
  EXPECT_EQ(get(t, "weight"), Value(100));
  EXPECT_EQ(get(t, "upstream"), id_of(u));
}

TEST_P(DaoConformance, InsertTargetWithAnInvalidTargetIsASchemaViolation) {
  Value u = insert_ok("upstreams", J(R"({"name":"u1"})"));
  Value target = J(R"({"target":"not a host!"})");
  target.as_object().set("upstream", id_of(u));
  auto r = dao("targets").insert(target);
  ASSERT_TRUE(FailsWithCode(r, ErrorCode::SchemaViolation));
  EXPECT_EQ(count("targets"), 0);
}

TEST_P(DaoConformance, InsertCertificateWithSnisCreatesTheSniRows) {
  Value cert = Value::object({{"cert", kCert}, {"key", kKey}});
  cert.as_object().set("snis", J(R"(["b.example.com","a.example.com"])"));
  Value c = insert_ok("certificates", cert);
  EXPECT_EQ(get(c, "cert"), Value(kCert));
  EXPECT_EQ(get(c, "snis"), J(R"(["a.example.com","b.example.com"])")) << show(c);
  for (const char* name : {"a.example.com", "b.example.com"}) {
    auto sni = dao("snis").select_by("name", Value(name));
    ASSERT_OK(sni);
    ASSERT_TRUE(sni->has_value()) << name;
    EXPECT_EQ(get(**sni, "certificate"), id_of(c));
  }
  EXPECT_EQ(count("snis"), 2);
}

TEST_P(DaoConformance, InsertSniDirectlyForACertificate) {
  Value c = insert_ok("certificates", Value::object({{"cert", kCert}, {"key", kKey}}));
  Value sni = J(R"({"name":"x.example.com"})");
  sni.as_object().set("certificate", id_of(c));
  Value s = insert_ok("snis", sni);
  EXPECT_EQ(get(s, "certificate"), id_of(c));
  auto dup = dao("snis").insert(sni);
  ASSERT_TRUE(Fails(dup, ErrorCode::UniqueViolation,
                    R"(UNIQUE violation detected on '{name="x.example.com"}')"));
}

TEST_P(DaoConformance, InsertKeyAuthCredentialForAConsumer) {
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  Value cred = J(R"({"key":"secret"})");
  cred.as_object().set("consumer", id_of(c));
  Value k = insert_ok("keyauth_credentials", cred);
  EXPECT_EQ(get(k, "key"), Value("secret"));
  EXPECT_EQ(get(k, "consumer"), id_of(c));
  EXPECT_EQ(at(k, "ttl"), nullptr) << "no ttl unless inserted with one: " << show(k);
}

TEST_P(DaoConformance, InsertKeyAuthCredentialWithoutKeyGeneratesOne) {
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  Value cred = Value::object({{"consumer", id_of(c)}});
  Value k = insert_ok("keyauth_credentials", cred);
  EXPECT_TRUE(get(k, "key").is_string() && !get(k, "key").as_string().empty()) << show(k);
}

TEST_P(DaoConformance, InsertWithAMissingRequiredFieldIsASchemaViolationAndWritesNothing) {
  auto r = dao("services").insert(J(R"({"name":"s1"})"));
  ASSERT_TRUE(Fails(r, ErrorCode::SchemaViolation, "schema violation (host: required field missing)"));
  EXPECT_EQ(r.error().fields, J(R"({"host":"required field missing"})"));
  EXPECT_EQ(count("services"), 0);
}

TEST_P(DaoConformance, StringsWithANulCharacterAreASchemaViolationNamingTheFieldOnEveryBackend) {
  auto r = dao("consumers").insert(J(R"({"username":"a\u0000b"})"));
  ASSERT_TRUE(FailsWithCode(r, ErrorCode::SchemaViolation));
  EXPECT_EQ(r.error().fields, Value::object({{"username", "must not contain the NUL character (\\u0000)"}}));
  EXPECT_EQ(count("consumers"), 0);

  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  auto u = dao("consumers").update(id_of(c), J(R"({"custom_id":"x\u0000"})"));
  ASSERT_TRUE(FailsWithCode(u, ErrorCode::SchemaViolation));
  ASSERT_NE(u.error().fields.find("custom_id"), nullptr) << show(u.error().fields);
  EXPECT_EQ(get(dao("consumers").select(id_of(c)).value().value(), "custom_id"), Value());

  auto nested = dao("routes").insert(J(R"({"paths":["/"],"headers":{"x-h":["v\u0000"]}})"));
  ASSERT_TRUE(FailsWithCode(nested, ErrorCode::SchemaViolation));
  EXPECT_NE(nested.error().fields.find("headers"), nullptr) << show(nested.error().fields);
}

TEST_P(DaoConformance, AWholeNumberTooLargeToBeExactIsNotAnIntegerOnEveryBackend) {
  auto r = dao("consumers").insert(J(R"({"username":"a","created_at":21117810632940624805888})"));
  ASSERT_TRUE(FailsWithCode(r, ErrorCode::SchemaViolation));
  EXPECT_EQ(r.error().fields, Value::object({{"created_at", "expected an integer"}}));
  EXPECT_EQ(count("consumers"), 0);
}

// Found by the API fuzz on PostgreSQL: a created_at of 2358177336764921 is an exact integer but
// beyond what a TIMESTAMPTZ holds.
TEST_P(DaoConformance, ATimestampBeyondWhatPostgresCanStoreIsRefusedOnEveryBackend) {
  auto r = dao("consumers").insert(J(R"({"username":"a","created_at":2358177336764921})"));
  ASSERT_TRUE(FailsWithCode(r, ErrorCode::SchemaViolation));
  EXPECT_EQ(r.error().fields,
            Value::object({{"created_at", "value should be between -210866803200 and 9224318015999"}}));
  EXPECT_EQ(count("consumers"), 0);
  insert_ok("consumers", J(R"({"username":"b","created_at":9224318015999})"));
}

TEST_P(DaoConformance, InsertWithSeveralBadFieldsReportsEveryViolation) {
  auto r = dao("services").insert(J(R"({"host":"example.com","port":99999,"retries":-1})"));
  ASSERT_TRUE(FailsWithCode(r, ErrorCode::SchemaViolation));
  EXPECT_EQ(r.error().message.rfind("2 schema violations (port: ", 0), 0u) << r.error().message;
  ASSERT_TRUE(r.error().fields.is_object());
  EXPECT_NE(r.error().fields.find("port"), nullptr);
  EXPECT_NE(r.error().fields.find("retries"), nullptr);
  EXPECT_EQ(count("services"), 0);
}

TEST_P(DaoConformance, InsertOfADuplicateNameFailsUniqueViolation) {
  insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  auto r = dao("services").insert(J(R"({"name":"s1","host":"other.com"})"));
  ASSERT_TRUE(Fails(r, ErrorCode::UniqueViolation, R"(UNIQUE violation detected on '{name="s1"}')"));
  EXPECT_EQ(r.error().name, "unique constraint violation");
  EXPECT_EQ(r.error().fields, J(R"({"name":"s1"})"));
  EXPECT_EQ(count("services"), 1);
}

TEST_P(DaoConformance, InsertOfADuplicateConsumerUsernameOrCustomIdFailsUniqueViolation) {
  insert_ok("consumers", J(R"({"username":"alice","custom_id":"c1"})"));
  ASSERT_TRUE(Fails(dao("consumers").insert(J(R"({"username":"alice"})")),
                    ErrorCode::UniqueViolation, R"(UNIQUE violation detected on '{username="alice"}')"));
  ASSERT_TRUE(Fails(dao("consumers").insert(J(R"({"custom_id":"c1"})")),
                    ErrorCode::UniqueViolation, R"(UNIQUE violation detected on '{custom_id="c1"}')"));
  EXPECT_EQ(count("consumers"), 1);
}

TEST_P(DaoConformance, InsertOfADuplicateIdFailsPrimaryKeyViolation) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  Value again = J(R"({"name":"s2","host":"example.com"})");
  again.as_object().set("id", get(s, "id"));
  auto r = dao("services").insert(again);
  ASSERT_TRUE(Fails(r, ErrorCode::PrimaryKeyViolation,
                    "primary key violation on key '{id=\"" + str(s, "id") + "\"}'"));
  EXPECT_EQ(r.error().fields, id_of(s));
  EXPECT_EQ(count("services"), 1);
}

TEST_P(DaoConformance, InsertRejectsUnknownOptions) {
  auto r = dao("services").insert(J(R"({"host":"example.com"})"), J(R"({"ttl":10})"));
  ASSERT_TRUE(Fails(r, ErrorCode::InvalidOptions, "invalid option (ttl: cannot be used with 'services')"));
  EXPECT_EQ(r.error().fields, J(R"({"ttl":"cannot be used with 'services'"})"));
  EXPECT_EQ(count("services"), 0);
}

// ---------------------------------------------------------------------------------------------
// update
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, UpdateChangesOnlyTheGivenFieldsAndRefreshesUpdatedAt) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com","retries":3})"));
  clock.advance(100);
  auto r = dao("services").update(id_of(s), J(R"({"host":"changed.com"})"));
  ASSERT_OK(r);
  EXPECT_EQ(get(*r, "host"), Value("changed.com"));
  EXPECT_EQ(get(*r, "name"), Value("s1"));
  EXPECT_EQ(get(*r, "retries"), Value(3));
  EXPECT_EQ(get(*r, "created_at"), get(s, "created_at"));
  EXPECT_EQ(get(*r, "updated_at"), Value(clock.time()));
  auto stored = dao("services").select(id_of(s));
  ASSERT_OK(stored);
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(**stored, *r);
}

TEST_P(DaoConformance, UpdateWithAnExplicitNullClearsTheField) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com","path":"/p"})"));
  auto r = dao("services").update(id_of(s), J(R"({"path":null})"));
  ASSERT_OK(r);
  EXPECT_EQ(at(*r, "path"), nullptr) << show(*r);
  EXPECT_EQ(get(*r, "name"), Value("s1"));
}

TEST_P(DaoConformance, UpdateMergesRecordFieldsInsteadOfReplacingThem) {
  Value u = insert_ok("upstreams", J(R"({"name":"u1"})"));
  auto r = dao("upstreams").update(id_of(u), J(R"({"healthchecks":{"active":{"timeout":5}}})"));
  ASSERT_OK(r);
  Value expected = get(u, "healthchecks");
  ASSERT_TRUE(expected.is_object()) << show(u);
  expected.find("active")->as_object().set("timeout", 5);
  EXPECT_EQ(get(*r, "healthchecks"), expected) << show(get(*r, "healthchecks"));
}

TEST_P(DaoConformance, UpdateReplacesArraysWholesale) {
  Value s = insert_ok("services", J(R"({"host":"example.com"})"));
  Value route = J(R"({"paths":["/a","/b"]})");
  route.as_object().set("service", id_of(s));
  Value r0 = insert_ok("routes", route);
  auto r = dao("routes").update(id_of(r0), J(R"({"paths":["/c"]})"));
  ASSERT_OK(r);
  EXPECT_EQ(get(*r, "paths"), J(R"(["/c"])"));
}

TEST_P(DaoConformance, UpdateOfAMissingEntityFailsNotFound) {
  auto r = dao("services").update(Value::object({{"id", kUnknownId}}), J(R"({"host":"x.com"})"));
  ASSERT_TRUE(Fails(r, ErrorCode::NotFound,
                    std::string("could not find the entity with primary key '{id=\"") + kUnknownId + "\"}'"));
  EXPECT_EQ(r.error().fields, Value::object({{"id", kUnknownId}}));
  EXPECT_EQ(count("services"), 0);
}

TEST_P(DaoConformance, UpdateWithAnInvalidPrimaryKeyFailsWithInvalidPrimaryKey) {
  auto r = dao("services").update(J(R"({"id":"nope"})"), J(R"({"host":"x.com"})"));
  ASSERT_TRUE(Fails(r, ErrorCode::InvalidPrimaryKey,
                    R"(invalid primary key: '{id="expected a valid UUID"}')"));
}

TEST_P(DaoConformance, UpdateOfAnImmutableFieldIsASchemaViolation) {
  Value n = insert_ok(kNotesEntity, J(R"({"slug":"first","body":"b"})"));
  auto r = dao(kNotesEntity).update(id_of(n), J(R"({"slug":"second"})"));
  ASSERT_TRUE(Fails(r, ErrorCode::SchemaViolation,
                    "schema violation (slug: immutable field cannot be updated)"));
  auto same = dao(kNotesEntity).update(id_of(n), J(R"({"slug":"first","body":"c"})"));
  ASSERT_OK(same) << "re-sending the same value of an immutable field is allowed";
  EXPECT_EQ(get(*same, "body"), Value("c"));
}

TEST_P(DaoConformance, UpdateWithAnInvalidValueLeavesTheRowUnchanged) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  auto r = dao("services").update(id_of(s), J(R"({"port":"not a port"})"));
  ASSERT_TRUE(FailsWithCode(r, ErrorCode::SchemaViolation));
  auto stored = dao("services").select(id_of(s));
  ASSERT_OK(stored);
  EXPECT_EQ(**stored, s);
}

TEST_P(DaoConformance, UpdateToANameAlreadyTakenFailsUniqueViolation) {
  insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  Value s2 = insert_ok("services", J(R"({"name":"s2","host":"example.com"})"));
  auto r = dao("services").update(id_of(s2), J(R"({"name":"s1"})"));
  ASSERT_TRUE(Fails(r, ErrorCode::UniqueViolation, R"(UNIQUE violation detected on '{name="s1"}')"));
  auto stored = dao("services").select(id_of(s2));
  ASSERT_OK(stored);
  EXPECT_EQ(get(**stored, "name"), Value("s2"));
}

TEST_P(DaoConformance, UpdateRouteResolvesAServiceGivenByName) {
  Value s1 = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  Value s2 = insert_ok("services", J(R"({"name":"s2","host":"example.com"})"));
  Value route = J(R"({"paths":["/r"]})");
  route.as_object().set("service", id_of(s1));
  Value r0 = insert_ok("routes", route);
  auto r = dao("routes").update(id_of(r0), J(R"({"service":{"name":"s2"}})"));
  ASSERT_OK(r);
  EXPECT_EQ(get(*r, "service"), id_of(s2));
}

// ---------------------------------------------------------------------------------------------
// upsert
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, UpsertCreatesTheEntityWhenAbsent) {
  Value pk = Value::object({{"id", kUnknownId}});
  auto r = dao("services").upsert(pk, J(R"({"name":"s1","host":"example.com"})"));
  ASSERT_OK(r);
  EXPECT_EQ(get(*r, "id"), Value(kUnknownId));
  EXPECT_EQ(get(*r, "retries"), Value(5));
  EXPECT_EQ(get(*r, "created_at"), Value(clock.time()));
  EXPECT_EQ(count("services"), 1);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().operation, "create");
}

TEST_P(DaoConformance, UpsertReplacesTheWholeEntityAndRefreshesCreatedAt) {
  // Kong: process_auto_fields("upsert") stamps a fresh created_at unless the body carries one,
  // and the strategy's upsert overwrites every column.
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com","retries":3,"path":"/p"})"));
  clock.advance(50);
  auto r = dao("services").upsert(id_of(s), J(R"({"host":"new.example.com"})"));
  ASSERT_OK(r);
  EXPECT_EQ(get(*r, "id"), get(s, "id"));
  EXPECT_EQ(get(*r, "host"), Value("new.example.com"));
  EXPECT_EQ(get(*r, "retries"), Value(5)) << "defaults come back on a full replace";
  EXPECT_EQ(at(*r, "name"), nullptr) << show(*r);
  EXPECT_EQ(at(*r, "path"), nullptr) << show(*r);
  EXPECT_EQ(get(*r, "created_at"), Value(clock.time()));
  EXPECT_EQ(get(*r, "updated_at"), Value(clock.time()));
  EXPECT_EQ(count("services"), 1);
  auto stored = dao("services").select(id_of(s));
  ASSERT_OK(stored);
  EXPECT_EQ(**stored, *r);
}

TEST_P(DaoConformance, UpsertKeepsACreatedAtGivenInTheBody) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  clock.advance(50);
  Value body = J(R"({"host":"example.com"})");
  body.as_object().set("created_at", get(s, "created_at"));
  auto r = dao("services").upsert(id_of(s), body);
  ASSERT_OK(r);
  EXPECT_EQ(get(*r, "created_at"), get(s, "created_at"));
  EXPECT_EQ(get(*r, "updated_at"), Value(clock.time()));
}

TEST_P(DaoConformance, UpsertWithAnInvalidBodyWritesNothing) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  auto r = dao("services").upsert(id_of(s), J(R"({"name":"s1"})"));
  ASSERT_TRUE(Fails(r, ErrorCode::SchemaViolation, "schema violation (host: required field missing)"));
  auto stored = dao("services").select(id_of(s));
  ASSERT_OK(stored);
  EXPECT_EQ(**stored, s);
}

TEST_P(DaoConformance, UpsertOfANameTakenByAnotherRowFailsUniqueViolation) {
  insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  auto r = dao("services").upsert(Value::object({{"id", kUnknownId}}),
                                  J(R"({"name":"s1","host":"example.com"})"));
  ASSERT_TRUE(Fails(r, ErrorCode::UniqueViolation, R"(UNIQUE violation detected on '{name="s1"}')"));
  EXPECT_EQ(count("services"), 1);
}

// ---------------------------------------------------------------------------------------------
// remove
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, RemoveDeletesTheRowAndReturnsTrue) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  auto r = dao("services").remove(id_of(s));
  ASSERT_OK(r);
  EXPECT_TRUE(*r);
  auto gone = dao("services").select(id_of(s));
  ASSERT_OK(gone);
  EXPECT_FALSE(gone->has_value());
}

TEST_P(DaoConformance, RemoveOfAnAbsentRowStillReturnsTrue) {
  auto r = dao("services").remove(Value::object({{"id", kUnknownId}}));
  ASSERT_OK(r);
  EXPECT_TRUE(*r);
}

TEST_P(DaoConformance, RemoveWithAnInvalidPrimaryKeyFailsWithInvalidPrimaryKey) {
  auto r = dao("services").remove(J(R"({"id":"nope"})"));
  ASSERT_TRUE(Fails(r, ErrorCode::InvalidPrimaryKey,
                    R"(invalid primary key: '{id="expected a valid UUID"}')"));
}

// ---------------------------------------------------------------------------------------------
// select_by / update_by / upsert_by / remove_by
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, UniqueFieldsAndEndpointKeysHaveByFieldMethods) {
  EXPECT_TRUE(dao("services").is_unique_field("name"));
  EXPECT_TRUE(dao("consumers").is_unique_field("username"));
  EXPECT_TRUE(dao("consumers").is_unique_field("custom_id"));
  EXPECT_TRUE(dao("keyauth_credentials").is_unique_field("key"));
  EXPECT_TRUE(dao("snis").is_unique_field("name"));
  EXPECT_TRUE(dao("upstreams").is_unique_field("name"));
  EXPECT_FALSE(dao("services").is_unique_field("host"));
}

TEST_P(DaoConformance, SelectByFindsRowsByEveryUniqueFieldAndEndpointKey) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  Value c = insert_ok("consumers", J(R"({"username":"alice","custom_id":"c-1"})"));
  Value k = insert_ok("keyauth_credentials",
                      Value::object({{"consumer", id_of(c)}, {"key", "the-key"}}));
  Value cert = insert_ok("certificates", Value::object({{"cert", kCert}, {"key", kKey}}));
  Value sni = insert_ok("snis", Value::object({{"name", "x.example.com"}, {"certificate", id_of(cert)}}));
  Value u = insert_ok("upstreams", J(R"({"name":"u1"})"));

  struct Case {
    const char* entity;
    const char* field;
    Value value;
    Value expected;
  };
  for (const Case& tc : {Case{"services", "name", "s1", s}, Case{"consumers", "username", "alice", c},
                         Case{"consumers", "custom_id", "c-1", c},
                         Case{"keyauth_credentials", "key", "the-key", k},
                         Case{"snis", "name", "x.example.com", sni}, Case{"upstreams", "name", "u1", u}}) {
    auto r = dao(tc.entity).select_by(tc.field, tc.value);
    ASSERT_OK(r) << tc.entity << "." << tc.field;
    ASSERT_TRUE(r->has_value()) << tc.entity << "." << tc.field;
    EXPECT_EQ(**r, tc.expected) << tc.entity << "." << tc.field << ": " << show(**r);

    auto miss = dao(tc.entity).select_by(tc.field, Value("absent-value"));
    ASSERT_OK(miss) << tc.entity << "." << tc.field;
    EXPECT_FALSE(miss->has_value()) << tc.entity << "." << tc.field;
  }
}

TEST_P(DaoConformance, SelectByWithAValueFailingValidationFailsInvalidUnique) {
  const schema::Schema& services = dao("services").schema();
  std::optional<Value> why = services.validate_field(*services.field("name"), Value("bad name!"));
  ASSERT_TRUE(why && why->is_string()) << "the schema layer rejects 'bad name!'";
  auto r = dao("services").select_by("name", Value("bad name!"));
  ASSERT_TRUE(Fails(r, ErrorCode::InvalidUnique, why->as_string()));
  EXPECT_EQ(r.error().name, "invalid unique name");

  ASSERT_TRUE(FailsWithCode(dao("services").update_by("name", Value("bad name!"), J(R"({"port":81})")),
                            ErrorCode::InvalidUnique));
  ASSERT_TRUE(FailsWithCode(dao("services").upsert_by("name", Value("bad name!"), J(R"({"host":"x.com"})")),
                            ErrorCode::InvalidUnique));
  ASSERT_TRUE(FailsWithCode(dao("services").remove_by("name", Value("bad name!")),
                            ErrorCode::InvalidUnique));
  EXPECT_EQ(count("services"), 0);
}

TEST_P(DaoConformance, UpdateByNameChangesTheMatchingRow) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  auto r = dao("services").update_by("name", Value("s1"), J(R"({"port":8080})"));
  ASSERT_OK(r);
  EXPECT_EQ(get(*r, "id"), get(s, "id"));
  EXPECT_EQ(get(*r, "port"), Value(8080));
  EXPECT_EQ(get(*r, "name"), Value("s1"));
}

TEST_P(DaoConformance, UpdateByUsernameAndCustomIdChangeTheConsumer) {
  Value c = insert_ok("consumers", J(R"({"username":"alice","custom_id":"c-1"})"));
  auto r = dao("consumers").update_by("username", Value("alice"), J(R"({"custom_id":"c-2"})"));
  ASSERT_OK(r);
  EXPECT_EQ(get(*r, "custom_id"), Value("c-2"));
  auto r2 = dao("consumers").update_by("custom_id", Value("c-2"), J(R"({"username":"bob"})"));
  ASSERT_OK(r2);
  EXPECT_EQ(get(*r2, "username"), Value("bob"));
  EXPECT_EQ(get(*r2, "id"), get(c, "id"));
}

TEST_P(DaoConformance, UpdateByAMissingNameFailsNotFound) {
  auto r = dao("services").update_by("name", Value("x"), J(R"({"port":81})"));
  ASSERT_TRUE(Fails(r, ErrorCode::NotFound, R"(could not find the entity with '{name="x"}')"));
  EXPECT_EQ(r.error().fields, J(R"({"name":"x"})"));
}

TEST_P(DaoConformance, UpsertByNameCreatesThenReplacesAndForcesTheKeyValue) {
  auto created = dao("services").upsert_by("name", Value("s1"),
                                           J(R"({"name":"ignored","host":"example.com","retries":2})"));
  ASSERT_OK(created);
  EXPECT_EQ(get(*created, "name"), Value("s1")) << "the key value wins over the body's";
  EXPECT_EQ(get(*created, "retries"), Value(2));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().operation, "create");

  auto replaced = dao("services").upsert_by("name", Value("s1"), J(R"({"host":"other.com"})"));
  ASSERT_OK(replaced);
  EXPECT_EQ(get(*replaced, "id"), get(*created, "id"));
  EXPECT_EQ(get(*replaced, "name"), Value("s1"));
  EXPECT_EQ(get(*replaced, "host"), Value("other.com"));
  EXPECT_EQ(get(*replaced, "retries"), Value(5));
  EXPECT_EQ(events.back().operation, "update");
  EXPECT_EQ(count("services"), 1);
}

TEST_P(DaoConformance, UpsertByKeyOnKeyAuthCredentials) {
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  auto r = dao("keyauth_credentials").upsert_by("key", Value("k1"), Value::object({{"consumer", id_of(c)}}));
  ASSERT_OK(r);
  EXPECT_EQ(get(*r, "key"), Value("k1"));
  EXPECT_EQ(get(*r, "consumer"), id_of(c));
}

TEST_P(DaoConformance, RemoveByDeletesByUniqueFieldAndReturnsTrueWhenAbsent) {
  insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  Value c = insert_ok("consumers", J(R"({"username":"alice","custom_id":"c-1"})"));
  Value u = insert_ok("upstreams", J(R"({"name":"u1"})"));

  auto r = dao("services").remove_by("name", Value("s1"));
  ASSERT_OK(r);
  EXPECT_TRUE(*r);
  EXPECT_EQ(count("services"), 0);

  auto rc = dao("consumers").remove_by("custom_id", Value("c-1"));
  ASSERT_OK(rc);
  EXPECT_TRUE(*rc);
  EXPECT_EQ(count("consumers"), 0);

  auto ru = dao("upstreams").remove_by("name", Value("u1"));
  ASSERT_OK(ru);
  EXPECT_EQ(count("upstreams"), 0);

  auto absent = dao("services").remove_by("name", Value("never"));
  ASSERT_OK(absent);
  EXPECT_TRUE(*absent);
}

TEST_P(DaoConformance, RemoveBySniNameAndKeyAuthKey) {
  Value cert = insert_ok("certificates", Value::object({{"cert", kCert}, {"key", kKey}}));
  insert_ok("snis", Value::object({{"name", "x.example.com"}, {"certificate", id_of(cert)}}));
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(c)}, {"key", "k1"}}));
  ASSERT_OK(dao("snis").remove_by("name", Value("x.example.com")));
  ASSERT_OK(dao("keyauth_credentials").remove_by("key", Value("k1")));
  EXPECT_EQ(count("snis"), 0);
  EXPECT_EQ(count("keyauth_credentials"), 0);
  EXPECT_EQ(count("consumers"), 1);
  EXPECT_EQ(count("certificates"), 1);
}

// ---------------------------------------------------------------------------------------------
// page / each
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, PageOfAnEmptyTableIsAnEmptyArrayWithoutOffset) {
  auto p = dao("services").page();
  ASSERT_OK(p);
  EXPECT_TRUE(p->rows.empty());
  EXPECT_FALSE(p->offset.has_value());
}

TEST_P(DaoConformance, PageDefaultsToAThousandRows) {
  ASSERT_OK(db->connector().transaction([&]() -> Result<void> {
    for (int i = 0; i < 1001; ++i) {
      auto r = dao("consumers").insert(Value::object({{"username", "user-" + std::to_string(i)}}));
      if (!r) return r.error();
    }
    return {};
  }));
  auto p = dao("consumers").page();
  ASSERT_OK(p);
  EXPECT_EQ(p->rows.size(), 1000u);
  ASSERT_TRUE(p->offset.has_value());
  auto rest = dao("consumers").page(std::nullopt, p->offset);
  ASSERT_OK(rest);
  EXPECT_EQ(rest->rows.size(), 1u);
  EXPECT_FALSE(rest->offset.has_value());
}

TEST_P(DaoConformance, PageRejectsSizesOutsideOneToFiftyThousand) {
  for (int64_t size : {int64_t{0}, int64_t{-1}, int64_t{50001}}) {
    auto p = dao("services").page(size);
    ASSERT_TRUE(Fails(p, ErrorCode::InvalidSize, "size must be an integer between 1 and 50000"))
        << "size " << size;
    EXPECT_EQ(p.error().name, "invalid size");
  }
  EXPECT_OK(dao("services").page(1));
  EXPECT_OK(dao("services").page(50000));
}

TEST_P(DaoConformance, PagingThroughManyRowsVisitsEachRowExactlyOnce) {
  std::set<std::string> inserted;
  ASSERT_OK(db->connector().transaction([&]() -> Result<void> {
    for (int i = 0; i < 2500; ++i) {
      auto r = dao("consumers").insert(Value::object({{"username", "user-" + std::to_string(i)}}));
      if (!r) return r.error();
      inserted.insert(get(*r, "id").as_string());
    }
    return {};
  }));
  ASSERT_EQ(inserted.size(), 2500u);

  std::set<std::string> seen;
  std::optional<std::string> offset;
  int pages = 0;
  do {
    auto p = dao("consumers").page(100, offset);
    ASSERT_OK(p) << "page " << pages;
    ++pages;
    EXPECT_LE(p->rows.size(), 100u);
    for (const Value& row : p->rows) {
      EXPECT_TRUE(seen.insert(str(row, "id")).second) << "duplicate " << show(row);
    }
    if (pages < 25) {
      EXPECT_EQ(p->rows.size(), 100u);
      EXPECT_TRUE(p->offset.has_value()) << "page " << pages;
    }
    offset = p->offset;
    ASSERT_LE(pages, 26) << "paging does not terminate";
  } while (offset);
  EXPECT_EQ(pages, 25) << "the last full page carries no offset";
  EXPECT_EQ(seen, inserted);
}

TEST_P(DaoConformance, PageRejectsForgedOffsets) {
  insert_ok("services", J(R"({"host":"example.com"})"));
  for (const char* forged : {"!!!not base64!!!", "bm90IGpzb24=" /* "not json" */, "' OR 1=1 --"}) {
    auto p = dao("services").page(std::nullopt, std::string(forged));
    ASSERT_TRUE(FailsWithCode(p, ErrorCode::InvalidOffset)) << forged;
    EXPECT_EQ(p.error().message.rfind(std::string("'") + forged + "' is not a valid offset: ", 0), 0u)
        << p.error().message;
    EXPECT_EQ(p.error().name, "invalid offset");
  }
}

TEST_P(DaoConformance, PageOptionErrorsFailWithKongsMessages) {
  struct Case {
    const char* entity;
    const char* options;
    const char* message;
  };
  for (const Case& tc : {
           Case{"services", R"({"ttl":10})", "invalid option (ttl: cannot be used with 'services')"},
           Case{"services", R"({"tags":["a","b","c","d","e","f"],"tags_cond":"or"})",
                "invalid option (tags: cannot query more than 5 tags)"},
           Case{"services", R"({"tags":["a","b"],"tags_cond":"xor"})",
                "invalid option (tags_cond: must be a either 'and' or 'or' when more than one tag is specified)"},
           Case{"services", R"({"tags":["a","b"]})",
                "invalid option (tags_cond: must be a either 'and' or 'or' when more than one tag is specified)"},
           Case{"services", R"({"tags":"a"})", "invalid option (tags: invalid filter syntax)"},
           Case{"services", R"({"tags":"a","tags_cond":"and"})", "invalid option (tags: must be a table)"},
           Case{"services", R"({"tags":["a,b"]})",
                "invalid option (tags: must only contain printable ascii (except `,` and `/`) or valid utf-8)"},
           Case{"workspaces", R"({"tags":["a"]})", "invalid option (tags: cannot be used with 'workspaces')"},
           Case{"services", R"({"pagination":{"page_size":0}})",
                "invalid option (pagination.page_size: must be an integer between 1 and 50000)"},
           Case{"services", R"({"pagination":{"page_size":"ten"}})",
                "invalid option (pagination.page_size: must be a number)"},
           Case{"services", R"({"pagination":{"max_page_size":0}})",
                "invalid option (pagination.max_page_size: must be an integer greater than 0)"},
           Case{"services", R"({"skip_ttl":"yes"})", "invalid option (skip_ttl: must be a boolean)"},
           Case{"services", R"({"workspace":5})", "invalid option (workspace: must be a string or null)"},
           Case{"services", R"({"ttl":10,"skip_ttl":1})",
                "2 option violations (skip_ttl: must be a boolean; ttl: cannot be used with 'services')"},
           Case{"keyauth_credentials", R"({"ttl":-1})",
                "invalid option (ttl: must be an integer between 0 and 100000000)"},
           Case{"keyauth_credentials", R"({"ttl":100000001})",
                "invalid option (ttl: must be an integer between 0 and 100000000)"},
       }) {
    auto p = dao(tc.entity).page(std::nullopt, std::nullopt, J(tc.options));
    EXPECT_TRUE(Fails(p, ErrorCode::InvalidOptions, tc.message)) << tc.entity << " " << tc.options;
    if (!p) {
      EXPECT_EQ(p.error().name, "invalid options");
    }
  }
}

TEST_P(DaoConformance, PaginationPageSizeOptionSetsTheDefaultSize) {
  for (int i = 0; i < 5; ++i) {
    insert_ok("consumers", Value::object({{"username", "u" + std::to_string(i)}}));
  }
  auto p = dao("consumers").page(std::nullopt, std::nullopt, J(R"({"pagination":{"page_size":2}})"));
  ASSERT_OK(p);
  EXPECT_EQ(p->rows.size(), 2u);
  EXPECT_TRUE(p->offset.has_value());
  auto big = dao("consumers").page(60000, std::nullopt, J(R"({"pagination":{"max_page_size":100000}})"));
  ASSERT_OK(big) << "max_page_size raises the size limit";
  EXPECT_EQ(big->rows.size(), 5u);
}

TEST_P(DaoConformance, PageFiltersByTagsWithAndOr) {
  Value a = insert_ok("services", J(R"({"name":"a","host":"example.com","tags":["red","blue"]})"));
  Value b = insert_ok("services", J(R"({"name":"b","host":"example.com","tags":["red"]})"));
  Value c = insert_ok("services", J(R"({"name":"c","host":"example.com","tags":["green"]})"));
  insert_ok("services", J(R"({"name":"d","host":"example.com"})"));

  auto names = [&](const char* options) {
    std::set<std::string> out;
    std::optional<std::string> offset;
    do {
      auto p = dao("services").page(1, offset, J(options));
      EXPECT_TRUE(Ok(p)) << options;
      if (!p) break;
      for (const Value& row : p->rows) out.insert(str(row, "name"));
      offset = p->offset;
    } while (offset);
    return out;
  };
  EXPECT_EQ(names(R"({"tags":["red"]})"), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(names(R"({"tags":["red","blue"],"tags_cond":"and"})"), (std::set<std::string>{"a"}));
  EXPECT_EQ(names(R"({"tags":["blue","green"],"tags_cond":"or"})"), (std::set<std::string>{"a", "c"}));
  EXPECT_EQ(names(R"({"tags":["red","green"],"tags_cond":"and"})"), (std::set<std::string>{}));
  EXPECT_EQ(names(R"({"tags":["nope"]})"), (std::set<std::string>{}));
  EXPECT_EQ(names("{}"), (std::set<std::string>{"a", "b", "c", "d"}));
}

// --- the tags index (Kong's tags table and /tags) ---

namespace {
// Every (tag, entity_name, entity_id) triple, walking pages of `size`.
std::set<std::string> tag_triples(dao::TagsDAO& tags, int64_t size, const std::string& only_tag = {}) {
  std::set<std::string> out;
  std::optional<std::string> offset;
  int pages = 0;
  do {
    auto p = only_tag.empty() ? tags.page(size, offset) : tags.page_by_tag(only_tag, size, offset);
    EXPECT_TRUE(Ok(p));
    if (!p || ++pages > 100) break;
    EXPECT_LE(static_cast<int64_t>(p->rows.size()), size);
    for (const Value& row : p->rows) {
      out.insert(str(row, "tag") + " " + str(row, "entity_name") + " " + str(row, "entity_id"));
    }
    offset = p->offset;
  } while (offset);
  return out;
}
}  // namespace

TEST_P(DaoConformance, TagsIndexListsEveryTagOfEveryTaggedEntityAcrossPages) {
  auto& tags = dynamic_cast<dao::TagsDAO&>(dao("tags"));
  Value a = insert_ok("services", J(R"({"name":"a","host":"example.com","tags":["red","blue"]})"));
  Value c = insert_ok("consumers", J(R"({"username":"c","tags":["red"]})"));
  insert_ok("services", J(R"({"name":"untagged","host":"example.com"})"));
  const std::set<std::string> want{"red services " + str(a, "id"), "blue services " + str(a, "id"),
                                   "red consumers " + str(c, "id")};
  for (int64_t size : {1, 2, 3, 100}) EXPECT_EQ(tag_triples(tags, size), want) << "page size " << size;
  EXPECT_EQ(tag_triples(tags, 1, "red"),
            (std::set<std::string>{"red services " + str(a, "id"), "red consumers " + str(c, "id")}));
  EXPECT_EQ(tag_triples(tags, 10, "nope"), std::set<std::string>{});
}

TEST_P(DaoConformance, TagsIndexFollowsUpdatesDeletesCascadesAndTruncates) {
  auto& tags = dynamic_cast<dao::TagsDAO&>(dao("tags"));
  Value s = insert_ok("services", J(R"({"name":"s","host":"example.com","tags":["old"]})"));
  Value r = insert_ok("routes", Value::object({{"paths", Value::array({"/x"})}, {"service", id_of(s)},
                                               {"tags", Value::array({"route-tag"})}}));
  ASSERT_OK(dao("services").update(id_of(s), J(R"({"tags":["new","newer"]})")));
  EXPECT_EQ(tag_triples(tags, 10), (std::set<std::string>{"new services " + str(s, "id"),
                                                          "newer services " + str(s, "id"),
                                                          "route-tag routes " + str(r, "id")}));
  ASSERT_OK(dao("services").update(id_of(s), J(R"({"port":81})")));  // tags untouched
  EXPECT_EQ(tag_triples(tags, 10, "new").size(), 1u);
  ASSERT_OK(dao("services").update(id_of(s), J(R"({"tags":[]})")));
  EXPECT_EQ(tag_triples(tags, 10), (std::set<std::string>{"route-tag routes " + str(r, "id")}));
  ASSERT_OK(dao("services").upsert(id_of(s), J(R"({"name":"s","host":"example.com","tags":["upserted"]})")));
  EXPECT_EQ(tag_triples(tags, 10, "upserted").size(), 1u);

  ASSERT_OK(dao("routes").remove(id_of(r)));
  ASSERT_OK(dao("services").remove(id_of(s)));
  EXPECT_EQ(tag_triples(tags, 10), std::set<std::string>{});

  // Deleting a consumer cascades to its credentials; both leave the index.
  Value c = insert_ok("consumers", J(R"({"username":"owner","tags":["consumer-tag"]})"));
  Value k = insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(c)}, {"key", "k1"},
                                                            {"tags", Value::array({"cred-tag"})}}));
  EXPECT_EQ(tag_triples(tags, 10, "cred-tag"), (std::set<std::string>{"cred-tag keyauth_credentials " + str(k, "id")}));
  ASSERT_OK(dao("consumers").remove(id_of(c)));
  EXPECT_EQ(tag_triples(tags, 10), std::set<std::string>{});

  insert_ok("consumers", J(R"({"username":"t","tags":["gone-with-truncate"]})"));
  ASSERT_OK(dao("consumers").truncate());
  EXPECT_EQ(tag_triples(tags, 10), std::set<std::string>{});
}

TEST_P(DaoConformance, TagsIndexRefusesWritesAndBadTagsOrOffsets) {
  auto& tags = dynamic_cast<dao::TagsDAO&>(dao("tags"));
  auto ins = tags.insert(J(R"({"tag":"x","entity_name":"services","entity_id":"a4a6d1a3-4b8a-4c3b-9e44-3fb2f9f4a0a1"})"));
  ASSERT_FALSE(ins);
  EXPECT_EQ(ins.error().code, ErrorCode::SchemaViolation);
  EXPECT_EQ(ins.error().fields, J(R"({"tags":"does not support insert/upsert/update/delete operations"})"));

  auto bad_tag = tags.page_by_tag("a,b", 10);
  ASSERT_FALSE(bad_tag);
  EXPECT_EQ(bad_tag.error().code, ErrorCode::InvalidUnique);

  auto bad_offset = tags.page(10, std::string("garbage!"));
  ASSERT_FALSE(bad_offset);
  EXPECT_EQ(bad_offset.error().code, ErrorCode::InvalidOffset);
  auto bad_size = tags.page(0);
  ASSERT_FALSE(bad_size);
  EXPECT_EQ(bad_size.error().code, ErrorCode::InvalidSize);
}

TEST_P(DaoConformance, PageForListsTheRoutesOfAService) {
  Value s1 = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  Value s2 = insert_ok("services", J(R"({"name":"s2","host":"example.com"})"));
  std::set<std::string> mine;
  for (int i = 0; i < 7; ++i) {
    Value r = insert_ok("routes", Value::object({{"paths", Value::array({"/" + std::to_string(i)})},
                                                 {"service", id_of(i % 2 ? s2 : s1)}}));
    if (!(i % 2)) mine.insert(str(r, "id"));
  }
  std::set<std::string> seen;
  std::optional<std::string> offset;
  do {
    auto p = dao("routes").page_for("service", id_of(s1), 2, offset);
    ASSERT_OK(p);
    for (const Value& row : p->rows) {
      EXPECT_EQ(get(row, "service"), id_of(s1));
      EXPECT_TRUE(seen.insert(str(row, "id")).second);
    }
    offset = p->offset;
  } while (offset);
  EXPECT_EQ(seen, mine);

  auto none = dao("routes").page_for("service", Value::object({{"id", kUnknownId}}));
  ASSERT_OK(none);
  EXPECT_TRUE(none->rows.empty());
  EXPECT_FALSE(none->offset.has_value());
}

TEST_P(DaoConformance, PageForListsThePluginsOfAConsumer) {
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  Value other = insert_ok("consumers", J(R"({"username":"bob"})"));
  Value p1 = insert_ok("plugins", Value::object({{"name", "rate-limiting"}, {"consumer", id_of(c)},
                                                 {"config", J(R"({"minute":10})")}}));
  insert_ok("plugins", Value::object({{"name", "rate-limiting"}, {"consumer", id_of(other)},
                                      {"config", J(R"({"minute":10})")}}));
  auto p = dao("plugins").page_for("consumer", id_of(c));
  ASSERT_OK(p);
  ASSERT_EQ(p->rows.size(), 1u);
  EXPECT_EQ(get(p->rows[0], "id"), get(p1, "id"));
}

TEST_P(DaoConformance, PageForWithAnInvalidForeignKeyFailsWithInvalidPrimaryKey) {
  auto p = dao("routes").page_for("service", J(R"({"id":"nope"})"));
  ASSERT_TRUE(Fails(p, ErrorCode::InvalidPrimaryKey,
                    R"(invalid primary key: '{id="expected a valid UUID"}')"));
  ASSERT_TRUE(Fails(dao("routes").page_for("service", Value::object({{"id", kUnknownId}}), 0),
                    ErrorCode::InvalidSize, "size must be an integer between 1 and 50000"));
}

TEST_P(DaoConformance, EachIteratesEveryRowAcrossPages) {
  std::set<std::string> inserted;
  for (int i = 0; i < 23; ++i) {
    inserted.insert(str(insert_ok("consumers", Value::object({{"username", "u" + std::to_string(i)}})), "id"));
  }
  auto it = dao("consumers").each(5);
  std::set<std::string> seen;
  int last_page = 0;
  for (;;) {
    auto row = it.next();
    ASSERT_OK(row);
    if (!row->has_value()) break;
    EXPECT_TRUE(seen.insert(str(**row, "id")).second);
    EXPECT_GE(it.page_number(), last_page);
    last_page = it.page_number();
  }
  EXPECT_EQ(seen, inserted);
  EXPECT_EQ(last_page, 5);
}

TEST_P(DaoConformance, EachWithAnInvalidSizeYieldsTheErrorOnce) {
  auto it = dao("consumers").each(0);
  auto first = it.next();
  ASSERT_TRUE(Fails(first, ErrorCode::InvalidSize, "size must be an integer between 1 and 50000"));
}

TEST_P(DaoConformance, EachForIteratesTheChildrenOfAParent) {
  Value u = insert_ok("upstreams", J(R"({"name":"u1"})"));
  Value u2 = insert_ok("upstreams", J(R"({"name":"u2"})"));
  for (int i = 1; i <= 4; ++i) {
    insert_ok("targets", Value::object({{"upstream", id_of(i == 4 ? u2 : u)},
                                        {"target", "10.0.0." + std::to_string(i) + ":80"}}));
  }
  auto it = dao("targets").each_for("upstream", id_of(u), 2);
  std::set<std::string> targets;
  for (;;) {
    auto row = it.next();
    ASSERT_OK(row);
    if (!row->has_value()) break;
    targets.insert(str(**row, "target"));
  }
  EXPECT_EQ(targets, (std::set<std::string>{"10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"}));
}

// ---------------------------------------------------------------------------------------------
// on_delete: restrict and cascade
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, RemovingAServiceWithRoutesIsRestrictedAndDeletesNothing) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  insert_ok("routes", Value::object({{"paths", J(R"(["/r"])")}, {"service", id_of(s)}}));
  events.clear();
  auto r = dao("services").remove(id_of(s));
  ASSERT_TRUE(Fails(r, ErrorCode::ForeignKeyViolation,
                    "an existing 'routes' entity references this 'services' entity"));
  EXPECT_EQ(r.error().fields, J(R"({"@referenced_by":"routes"})"));
  EXPECT_EQ(count("services"), 1);
  EXPECT_EQ(count("routes"), 1);
  EXPECT_TRUE(events.empty()) << "a refused delete posts no event";
}

// Kong's certificates DAO overrides delete: the certificate's SNIs go first
// (kong/db/dao/certificates.lua _Certificates:delete), so the snis restrict never fires.
TEST_P(DaoConformance, RemovingACertificateAlsoRemovesItsSnis) {
  Value c = insert_ok("certificates", Value::object({{"cert", kCert}, {"key", kKey}}));
  Value other = insert_ok("certificates", Value::object({{"cert", kCert}, {"key", kKey}}));
  insert_ok("snis", Value::object({{"name", "x.example.com"}, {"certificate", id_of(c)}}));
  insert_ok("snis", Value::object({{"name", "y.example.com"}, {"certificate", id_of(other)}}));
  auto r = dao("certificates").remove(id_of(c));
  ASSERT_OK(r);
  EXPECT_EQ(count("snis"), 1);
  EXPECT_EQ(count("certificates"), 1);
}

TEST_P(DaoConformance, RemovingAConsumerCascadesToItsPluginsAndCredentials) {
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  Value keep = insert_ok("consumers", J(R"({"username":"bob"})"));
  Value p = insert_ok("plugins", Value::object({{"name", "rate-limiting"}, {"consumer", id_of(c)},
                                                {"config", J(R"({"minute":10})")}}));
  Value k = insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(c)}, {"key", "k1"}}));
  insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(keep)}, {"key", "k2"}}));
  events.clear();

  auto r = dao("consumers").remove(id_of(c));
  ASSERT_OK(r);
  EXPECT_TRUE(*r);
  EXPECT_EQ(count("consumers"), 1);
  EXPECT_EQ(count("plugins"), 0);
  EXPECT_EQ(count("keyauth_credentials"), 1);
  auto gone = dao("keyauth_credentials").select_by("key", Value("k1"));
  ASSERT_OK(gone);
  EXPECT_FALSE(gone->has_value());

  std::multiset<std::string> deleted;
  for (const CrudEvent& e : events) {
    EXPECT_EQ(e.operation, "delete");
    deleted.insert(e.schema + ":" + str(e.entity, "id"));
  }
  EXPECT_EQ(deleted, (std::multiset<std::string>{"consumers:" + str(c, "id"), "plugins:" + str(p, "id"),
                                                 "keyauth_credentials:" + str(k, "id")}));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().schema, "consumers") << "the parent's event comes first";
}

TEST_P(DaoConformance, RemovingAnUpstreamCascadesToItsTargets) {
  Value u = insert_ok("upstreams", J(R"({"name":"u1"})"));
  insert_ok("targets", Value::object({{"upstream", id_of(u)}, {"target", "10.0.0.1:80"}}));
  insert_ok("targets", Value::object({{"upstream", id_of(u)}, {"target", "10.0.0.2:80"}}));
  events.clear();
  ASSERT_OK(dao("upstreams").remove(id_of(u)));
  EXPECT_EQ(count("upstreams"), 0);
  EXPECT_EQ(count("targets"), 0);
  EXPECT_EQ(events.size(), 3u);
}

TEST_P(DaoConformance, RemovingAServiceCascadesToItsPluginsOnceRoutesAreGone) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  insert_ok("plugins", Value::object({{"name", "key-auth"}, {"service", id_of(s)}}));
  ASSERT_OK(dao("services").remove(id_of(s)));
  EXPECT_EQ(count("plugins"), 0);
}

// ---------------------------------------------------------------------------------------------
// ttl
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, CredentialInsertedWithTtlReportsItAndExpires) {
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  Value k = insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(c)}, {"key", "temp"}}),
                      J(R"({"ttl":10})"));
  EXPECT_EQ(get(k, "ttl"), Value(10)) << show(k);

  clock.advance(4);
  auto mid = dao("keyauth_credentials").select(id_of(k));
  ASSERT_OK(mid);
  ASSERT_TRUE(mid->has_value());
  ASSERT_TRUE(get(**mid, "ttl").is_number()) << show(**mid);
  EXPECT_LE(get(**mid, "ttl").as_number(), 6.0);
  EXPECT_GE(get(**mid, "ttl").as_number(), 5.0);

  clock.advance(7);  // 11 s after insertion
  auto by_pk = dao("keyauth_credentials").select(id_of(k));
  ASSERT_OK(by_pk);
  EXPECT_FALSE(by_pk->has_value()) << show(**by_pk);
  auto by_key = dao("keyauth_credentials").select_by("key", Value("temp"));
  ASSERT_OK(by_key);
  EXPECT_FALSE(by_key->has_value());
  EXPECT_EQ(count("keyauth_credentials"), 0);
  auto by_consumer = dao("keyauth_credentials").page_for("consumer", id_of(c));
  ASSERT_OK(by_consumer);
  EXPECT_TRUE(by_consumer->rows.empty());

  auto skipped = dao("keyauth_credentials").select(id_of(k), J(R"({"skip_ttl":true})"));
  ASSERT_OK(skipped);
  ASSERT_TRUE(skipped->has_value()) << "skip_ttl still sees the expired row";
  EXPECT_EQ(get(**skipped, "key"), Value("temp"));
  auto skipped_by_key = dao("keyauth_credentials").select_by("key", Value("temp"), J(R"({"skip_ttl":true})"));
  ASSERT_OK(skipped_by_key);
  EXPECT_TRUE(skipped_by_key->has_value());
}

TEST_P(DaoConformance, CredentialWithoutTtlNeverExpires) {
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  Value k = insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(c)}, {"key", "perm"}}));
  clock.advance(1e7);
  auto r = dao("keyauth_credentials").select(id_of(k));
  ASSERT_OK(r);
  EXPECT_TRUE(r->has_value());
}

TEST_P(DaoConformance, TtlOptionIsRejectedOnEntitiesWithoutTtl) {
  auto r = dao("consumers").insert(J(R"({"username":"alice"})"), J(R"({"ttl":10})"));
  ASSERT_TRUE(Fails(r, ErrorCode::InvalidOptions, "invalid option (ttl: cannot be used with 'consumers')"));
  EXPECT_EQ(count("consumers"), 0);
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  auto bad = dao("keyauth_credentials").insert(Value::object({{"consumer", id_of(c)}}), J(R"({"ttl":1.5})"));
  ASSERT_TRUE(Fails(bad, ErrorCode::InvalidOptions,
                    "invalid option (ttl: must be an integer between 0 and 100000000)"));
  EXPECT_EQ(count("keyauth_credentials"), 0);
}

// ---------------------------------------------------------------------------------------------
// cache keys
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, KeyAuthCredentialCacheKeyIsItsKeyAndWorkspace) {
  const std::string ws = db->default_workspace_id();
  ASSERT_TRUE(is_valid_uuid(ws)) << ws;
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  Value k = insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(c)}, {"key", "the-key"}}));

  EXPECT_EQ(dao("keyauth_credentials").cache_key(std::vector<Value>{Value("the-key")}), "keyauth_credentials:the-key:::::" + ws);
  EXPECT_EQ(dao("keyauth_credentials").cache_key(k), "keyauth_credentials:the-key:::::" + ws);
  EXPECT_EQ(dao("consumers").cache_key(c), "consumers:" + str(c, "id") + ":::::" + ws)
      << "without cache_key fields the primary key is used";

  auto r = dao("keyauth_credentials").select_by_cache_key(Value("the-key"));
  ASSERT_OK(r);
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(get(**r, "id"), get(k, "id"));
}

TEST_P(DaoConformance, PluginCacheKeyIsCompositeAndSelectableByCacheKey) {
  const std::string ws = db->default_workspace_id();
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  Value on_service = insert_ok("plugins", Value::object({{"name", "key-auth"}, {"service", id_of(s)}}));
  Value on_consumer = insert_ok("plugins", Value::object({{"name", "rate-limiting"}, {"consumer", id_of(c)},
                                                          {"config", J(R"({"minute":10})")}}));

  const std::string service_key = "plugins:key-auth::" + str(s, "id") + ":::" + ws;
  const std::string consumer_key = "plugins:rate-limiting:::" + str(c, "id") + "::" + ws;
  EXPECT_EQ(dao("plugins").cache_key(on_service), service_key);
  EXPECT_EQ(dao("plugins").cache_key(on_consumer), consumer_key);
  EXPECT_EQ(dao("plugins").cache_key(std::vector<Value>{Value("key-auth"), Value(), get(s, "id")}),
            service_key);
  EXPECT_EQ(at(on_service, "cache_key"), nullptr) << "the hidden cache_key column is not returned";

  for (const auto& [key, plugin] : {std::pair{service_key, on_service}, std::pair{consumer_key, on_consumer}}) {
    auto by_string = dao("plugins").select_by_cache_key(Value(key));
    ASSERT_OK(by_string) << key;
    ASSERT_TRUE(by_string->has_value()) << key;
    EXPECT_EQ(get(**by_string, "id"), get(plugin, "id"));
    auto by_entity = dao("plugins").select_by_cache_key(plugin);
    ASSERT_OK(by_entity);
    ASSERT_TRUE(by_entity->has_value());
    EXPECT_EQ(get(**by_entity, "id"), get(plugin, "id"));
  }
  auto miss = dao("plugins").select_by_cache_key(Value("plugins:cors:::::" + ws));
  ASSERT_OK(miss);
  EXPECT_FALSE(miss->has_value());
}

TEST_P(DaoConformance, DuplicatePluginForTheSameScopeFailsOnTheCacheKey) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  insert_ok("plugins", Value::object({{"name", "key-auth"}, {"service", id_of(s)}}));
  // Kong's postgres toerror reports a cache_key clash as the cache_key fields (foreign ones by
  // primary key, nulls shown as null), not as the hidden column.
  auto r = dao("plugins").insert(Value::object({{"name", "key-auth"}, {"service", id_of(s)}}));
  ASSERT_TRUE(Fails(r, ErrorCode::UniqueViolation,
                    "UNIQUE violation detected on '{consumer=null,name=\"key-auth\",route=null,service={id=\"" +
                        str(s, "id") + "\"}}'"));
  EXPECT_EQ(count("plugins"), 1);
}

TEST_P(DaoConformance, UpdatingAPluginsScopeMovesItsCacheKey) {
  Value s1 = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  Value s2 = insert_ok("services", J(R"({"name":"s2","host":"example.com"})"));
  Value p = insert_ok("plugins", Value::object({{"name", "key-auth"}, {"service", id_of(s1)}}));
  ASSERT_OK(dao("plugins").update(id_of(p), Value::object({{"service", id_of(s2)}})));
  const std::string ws = db->default_workspace_id();
  auto old_key = dao("plugins").select_by_cache_key(Value("plugins:key-auth::" + str(s1, "id") + ":::" + ws));
  ASSERT_OK(old_key);
  EXPECT_FALSE(old_key->has_value());
  auto new_key = dao("plugins").select_by_cache_key(Value("plugins:key-auth::" + str(s2, "id") + ":::" + ws));
  ASSERT_OK(new_key);
  EXPECT_TRUE(new_key->has_value());
}

// ---------------------------------------------------------------------------------------------
// events
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, WritesPostCreateUpdateAndDeleteEvents) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].operation, "create");
  EXPECT_EQ(events[0].schema, "services");
  EXPECT_EQ(events[0].entity, s);
  EXPECT_TRUE(events[0].old_entity.is_null());

  auto u = dao("services").update(id_of(s), J(R"({"host":"changed.com"})"));
  ASSERT_OK(u);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].operation, "update");
  EXPECT_EQ(events[1].entity, *u);
  EXPECT_EQ(events[1].old_entity, s);

  auto up = dao("services").upsert(id_of(s), J(R"({"name":"s1","host":"third.com"})"));
  ASSERT_OK(up);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].operation, "update");
  EXPECT_EQ(get(events[2].old_entity, "host"), Value("changed.com"));

  ASSERT_OK(dao("services").remove(id_of(s)));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3].operation, "delete");
  EXPECT_EQ(get(events[3].entity, "id"), get(s, "id"));

  ASSERT_OK(dao("services").remove(id_of(s)));
  EXPECT_EQ(events.size(), 4u) << "removing an absent row posts nothing";
}

TEST_P(DaoConformance, EventEntitiesHaveNullsStripped) {
  insert_ok("services", J(R"({"host":"example.com"})"), J(R"({"nulls":true})"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(at(events[0].entity, "name"), nullptr) << show(events[0].entity);
  EXPECT_EQ(at(events[0].entity, "path"), nullptr);
}

TEST_P(DaoConformance, FailedWritesPostNoEvent) {
  insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  events.clear();
  (void)dao("services").insert(J(R"({"name":"s1","host":"example.com"})"));
  (void)dao("services").insert(J(R"({"name":"s2"})"));
  (void)dao("services").update(Value::object({{"id", kUnknownId}}), J(R"({"host":"x.com"})"));
  EXPECT_TRUE(events.empty());
}

TEST_P(DaoConformance, NoBroadcastCrudEventSuppressesTheEvent) {
  insert_ok("services", J(R"({"host":"example.com"})"), J(R"({"no_broadcast_crud_event":true})"));
  EXPECT_TRUE(events.empty());
}

// ---------------------------------------------------------------------------------------------
// hostile input
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, SqlMetacharactersAndQuotesRoundTripByteExact) {
  const std::vector<std::string> nasty = {
      "'; DROP TABLE consumers; --",
      "\"double\" and 'single' quotes",
      "back\\slash\\\\ and \\' escaped",
      "100% _wild_ [cards] * ? $1 :name @p",
      "line\nbreak\ttab\r",
      "unicod\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x90\x92",
      "$$dollar quoted$$ E'\\x41'",
      "--",
      "/* comment */",
      std::string(4096, '\''),
  };
  for (size_t i = 0; i < nasty.size(); ++i) {
    const std::string& s = nasty[i];
    const std::string other = s + "#" + std::to_string(i);
    Value c = insert_ok("consumers", Value::object({{"username", s}, {"custom_id", other}}));
    auto by_name = dao("consumers").select_by("username", Value(s));
    ASSERT_OK(by_name) << i;
    ASSERT_TRUE(by_name->has_value()) << i;
    EXPECT_EQ(get(**by_name, "username"), Value(s)) << i;
    EXPECT_EQ(get(**by_name, "custom_id"), Value(other)) << i;
    EXPECT_EQ(**by_name, c);

    Value k = insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(c)}, {"key", s}}));
    auto by_key = dao("keyauth_credentials").select_by("key", Value(s));
    ASSERT_OK(by_key) << i;
    ASSERT_TRUE(by_key->has_value()) << i;
    EXPECT_EQ(get(**by_key, "key"), Value(s));
    auto by_ck = dao("keyauth_credentials").select_by_cache_key(Value(s));
    ASSERT_OK(by_ck) << i;
    EXPECT_TRUE(by_ck->has_value()) << i;

    // key-auth cannot be scoped to a consumer: one service per string carries the plugin.
    Value scope = insert_ok("services", Value::object({{"host", "example.com"}}));
    Value p = insert_ok("plugins", Value::object({{"name", "key-auth"}, {"service", id_of(scope)},
                                                  {"config", Value::object({{"realm", s}})}}));
    auto stored = dao("plugins").select(id_of(p));
    ASSERT_OK(stored);
    ASSERT_TRUE(stored->has_value());
    EXPECT_EQ(get(**stored, "config.realm"), Value(s)) << i;
  }
  EXPECT_EQ(count("consumers"), static_cast<int64_t>(nasty.size()));
  EXPECT_EQ(count("keyauth_credentials"), static_cast<int64_t>(nasty.size()));

  // Tags allow quotes, semicolons and the like; they filter exactly.
  const std::string tag = "it's \"a\"; -- tag";
  insert_ok("services", Value::object({{"name", "tagged"}, {"host", "example.com"},
                                       {"tags", Value::array({tag, "%"})}}));
  auto tagged = dao("services").page(std::nullopt, std::nullopt, Value::object({{"tags", Value::array({tag})}}));
  ASSERT_OK(tagged);
  ASSERT_EQ(tagged->rows.size(), 1u);
  EXPECT_EQ(get(tagged->rows[0], "tags"), Value::array({tag, "%"}));
  auto pct = dao("services").page(std::nullopt, std::nullopt, J(R"({"tags":["%"]})"));
  ASSERT_OK(pct);
  EXPECT_EQ(pct->rows.size(), 1u) << "'%' is not a wildcard";
  auto underscore = dao("services").page(std::nullopt, std::nullopt, J(R"({"tags":["_"]})"));
  ASSERT_OK(underscore);
  EXPECT_TRUE(underscore->rows.empty());
}

TEST_P(DaoConformance, LookupsWithSqlMetacharactersMatchNothingAndChangeNothing) {
  insert_ok("consumers", J(R"({"username":"alice"})"));
  for (const char* v : {"' OR '1'='1", "alice' --", "%", "_____", "alice%", "*"}) {
    auto r = dao("consumers").select_by("username", Value(v));
    ASSERT_OK(r) << v;
    EXPECT_FALSE(r->has_value()) << v;
    auto rm = dao("consumers").remove_by("username", Value(v));
    ASSERT_OK(rm) << v;
  }
  EXPECT_EQ(count("consumers"), 1);
}

TEST_P(DaoConformance, HugeOrInvalidValuesFailAndWriteNothing) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  const Value bad_services[] = {
      J(R"({"host":"example.com","port":70000})"),
      J(R"({"host":"example.com","port":-1})"),
      J(R"({"host":"example.com","retries":100000000000000000000})"),
      J(R"({"host":"example.com","connect_timeout":9007199254740993})"),
      J(R"({"host":"example.com","port":"80; DROP TABLE services"})"),
      J(R"({"host":"example.com","port":80.5})"),
      J(R"({"host":"example.com","name":{"nested":"object"}})"),
      J(R"({"host":"example.com","tags":"not-an-array"})"),
      J(R"({"host":"example.com","protocol":"gopher"})"),
      J(R"({"host":"example.com","enabled":"yes"})"),
      J(R"({"host":"example.com","unknown_field":1})"),
      // Kong's check_hostname has no label-length limit; a trailing dash in a label is invalid.
      Value::object({{"host", std::string(100000, 'a') + "-.com"}}),
      Value::object({{"host", "example.com"}, {"name", std::string(1 << 20, 'n') + " !"}}),
  };
  for (const Value& body : bad_services) {
    auto r = dao("services").insert(body);
    EXPECT_TRUE(FailsWithCode(r, ErrorCode::SchemaViolation)) << show(body).substr(0, 200);
    auto u = dao("services").update(id_of(s), body);
    EXPECT_TRUE(FailsWithCode(u, ErrorCode::SchemaViolation)) << show(body).substr(0, 200);
  }
  EXPECT_EQ(count("services"), 1);
  auto stored = dao("services").select(id_of(s));
  ASSERT_OK(stored);
  EXPECT_EQ(**stored, s);
  EXPECT_EQ(count("routes"), 0);
}

TEST_P(DaoConformance, LargeValidValuesRoundTrip) {
  const std::string big(1 << 20, 'x');
  Value c = insert_ok("consumers", Value::object({{"username", big}}));
  auto r = dao("consumers").select(id_of(c));
  ASSERT_OK(r);
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(get(**r, "username"), Value(big));
}

// ---------------------------------------------------------------------------------------------
// truncate
// ---------------------------------------------------------------------------------------------

TEST_P(DaoConformance, TruncateEmptiesOneEntityOnly) {
  insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  insert_ok("consumers", J(R"({"username":"alice"})"));
  ASSERT_OK(dao("consumers").truncate());
  EXPECT_EQ(count("consumers"), 0);
  EXPECT_EQ(count("services"), 1);
  insert_ok("consumers", J(R"({"username":"alice"})"));  // the unique value is free again
}

TEST_P(DaoConformance, DbTruncateEmptiesEverythingAndKeepsADefaultWorkspace) {
  Value s = insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
  insert_ok("routes", Value::object({{"paths", J(R"(["/r"])")}, {"service", id_of(s)}}));
  Value c = insert_ok("consumers", J(R"({"username":"alice"})"));
  insert_ok("keyauth_credentials", Value::object({{"consumer", id_of(c)}, {"key", "k"}}));
  ASSERT_OK(db->truncate());
  EXPECT_EQ(count("services"), 0);
  EXPECT_EQ(count("routes"), 0);
  EXPECT_EQ(count("consumers"), 0);
  EXPECT_EQ(count("keyauth_credentials"), 0);
  auto ws = dao("workspaces").select_by("name", Value("default"));
  ASSERT_OK(ws);
  EXPECT_TRUE(ws->has_value()) << "truncate re-creates the default workspace";
  insert_ok("services", J(R"({"name":"s1","host":"example.com"})"));
}

INSTANTIATE_TEST_SUITE_P(Backends, DaoConformance, ::testing::ValuesIn(backends()), BackendName);

}  // namespace kongdb::conformance
