// db_import and db_export on every conformance backend: round trips keep every entity and id,
// and a write that fails half-way leaves the database exactly as it was.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "conformance/backends.h"
#include "conformance/test_certificate.h"
#include "kongdb/core/json.h"
#include "kongdb/dao/db.h"
#include "kongdb/declarative/declarative.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/strategy/memory.h"

namespace kongdb::declarative {
namespace {

using conformance::Backend;
using conformance::kCert;
using conformance::kKey;

constexpr const char* kFile = R"(
_format_version: "3.0"
services:
- name: billing
  url: http://billing.internal:8080
  tags: [payments]
  routes:
  - name: billing-api
    paths: [/billing]
    plugins:
    - name: key-auth
  plugins:
  - name: cors
- name: search
  url: https://search.internal
routes:
- name: search-api
  service: search
  hosts: [search.example.com]
consumers:
- username: alice
  keyauth_credentials:
  - key: alice-key
  plugins:
  - name: rate-limiting
    config: {minute: 60, policy: local}
upstreams:
- name: backend
  targets:
  - target: 10.0.0.1:80
  - target: 10.0.0.2:80
    weight: 50
)";


class DeclarativeImportExport : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam().unavailable) GTEST_SKIP() << GetParam().name << ": " << *GetParam().unavailable;
    registry_ = std::make_shared<schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
  }
  void TearDown() override {
    dbs_.clear();
    for (const auto& dir : dirs_) std::filesystem::remove_all(dir);
  }

  // A fresh, bootstrapped, empty database of the backend under test.
  dao::DB& fresh_db() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kongdb-declarative-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    dirs_.push_back(pattern);
    auto conn = GetParam().open(clock_, pattern);
    if (!conn) {
      ADD_FAILURE() << conn.error().message;
      std::abort();
    }
    std::ostringstream log;
    migrations::Runner runner(**conn, *registry_);
    if (auto boot = runner.bootstrap(log); !boot) {
      ADD_FAILURE() << boot.error();
      std::abort();
    }
    auto db = dao::DB::create(std::move(*conn), registry_, dao::DBOptions{&clock_, nullptr});
    if (!db) std::abort();
    dbs_.push_back(std::move(*db));
    return *dbs_.back();
  }

  Entities parsed(const std::string& text) {
    auto doc = decode(text, Format::Yaml);
    EXPECT_TRUE(doc) << doc.error().message;
    auto flat = flatten(*registry_, *doc);
    EXPECT_TRUE(flat) << flat.error().message;
    return flat ? std::move(*flat) : Entities{};
  }

  // The export without what every write restamps (updated_at).
  static Value comparable(Value exported) {
    for (auto& [key, rows] : exported.as_object()) {
      if (!rows.is_array()) continue;
      for (Value& row : rows.as_array()) row.as_object().erase("updated_at");
    }
    return exported;
  }

  Value exported(dao::DB& db) {
    auto out = export_from_db(db);
    EXPECT_TRUE(out) << out.error().message;
    return out ? *out : Value();
  }

  FixedClock clock_{1700000000};
  std::shared_ptr<schema::EntityRegistry> registry_;
  std::vector<std::unique_ptr<dao::DB>> dbs_;
  std::vector<std::string> dirs_;
};

TEST_P(DeclarativeImportExport, ImportWritesEveryEntityOfTheFile) {
  dao::DB& db = fresh_db();
  auto written = load_into_db(db, parsed(kFile));
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, 12u);
  auto route = db["routes"].select_by("name", Value("billing-api"));
  ASSERT_TRUE(route && *route);
  EXPECT_EQ(*(**route).find("service"), Value::object({{"id", stable_id("services", "billing")}}));
  auto credential = db["keyauth_credentials"].select_by("key", Value("alice-key"));
  ASSERT_TRUE(credential && *credential);
}

TEST_P(DeclarativeImportExport, ReimportingAnExportIntoAnEmptyDatabaseGivesTheSameEntitiesIdsIncluded) {
  dao::DB& first = fresh_db();
  ASSERT_TRUE(load_into_db(first, parsed(kFile)));
  const Value exported_once = exported(first);
  EXPECT_EQ(*exported_once.find("_format_version"), Value("3.0"));
  EXPECT_EQ(*exported_once.find("_transform"), Value(false));

  // Through the YAML text, as `kongdb config db_export` then `db_import` do.
  auto text = to_yaml(exported_once);
  ASSERT_TRUE(text);
  dao::DB& second = fresh_db();
  auto written = load_into_db(second, parsed(*text));
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(comparable(exported(second)), comparable(exported_once));
}

TEST_P(DeclarativeImportExport, CertificatesWithNestedSnisRoundTripAsSeparateSnis) {
  const Value doc = Value::object(
      {{"_format_version", "3.0"},
       {"certificates", Value::array({Value::object(
                            {{"cert", kCert},
                             {"key", kKey},
                             {"snis", Value::array({Value::object({{"name", "example.com"}}),
                                                    Value::object({{"name", "www.example.com"}})})}})})}});
  auto flat = flatten(*registry_, doc);
  ASSERT_TRUE(flat) << flat.error().message;
  dao::DB& first = fresh_db();
  ASSERT_TRUE(load_into_db(first, *flat));
  const Value exported_once = exported(first);
  ASSERT_TRUE(exported_once.find("snis"));
  EXPECT_EQ(exported_once.find("snis")->as_array().size(), 2u);
  // The certificate's own `snis` (a transient view of those rows) stays out of the export.
  EXPECT_FALSE(exported_once.find("certificates")->as_array().front().find("snis"));

  auto text = to_yaml(exported_once);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("cert: |"), std::string::npos) << *text;
  dao::DB& second = fresh_db();
  auto written = load_into_db(second, parsed(*text));
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(comparable(exported(second)), comparable(exported_once));
}

TEST_P(DeclarativeImportExport, ImportingAnExportAgainChangesNothing) {
  dao::DB& db = fresh_db();
  ASSERT_TRUE(load_into_db(db, parsed(kFile)));
  const Value before = exported(db);
  auto text = to_yaml(before);
  ASSERT_TRUE(text);
  auto again = load_into_db(db, parsed(*text));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(comparable(exported(db)), comparable(before));
}

TEST_P(DeclarativeImportExport, AFailingEntityInTheMiddleLeavesTheDatabaseExactlyAsBefore) {
  dao::DB& db = fresh_db();
  // Already there: a service the file changes, and a consumer whose username the file reuses
  // under another id (valid on its own, refused by the database when written).
  ASSERT_TRUE(db["services"].insert(json::parse(R"({"name":"billing","url":"http://old.internal"})").value()));
  ASSERT_TRUE(db["consumers"].insert(json::parse(R"({"username":"taken"})").value()));
  const Value before = exported(db);

  std::string file = kFile;
  file.replace(file.find("upstreams:\n"), 0,
               "- username: taken\n  id: 6f3bd8b1-4c65-4c63-9d4c-9f0f1c3b6a11\n- username: bob\n");
  // consumers come after services: billing is already rewritten when "taken" fails.
  auto written = load_into_db(db, parsed(file));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::UniqueViolation) << written.error().message;
  EXPECT_NE(written.error().message.find("failed importing 'consumers' entity"), std::string::npos)
      << written.error().message;
  EXPECT_EQ(exported(db), before);
}

TEST_P(DeclarativeImportExport, ProgressIsReportedForEveryWrittenEntity) {
  dao::DB& db = fresh_db();
  size_t calls = 0;
  size_t last_total = 0;
  auto written = load_into_db(db, parsed(kFile), {.progress = [&](size_t done, size_t total) {
                                                    ++calls;
                                                    EXPECT_EQ(done, calls);
                                                    last_total = total;
                                                  }});
  ASSERT_TRUE(written);
  EXPECT_EQ(calls, *written);
  EXPECT_EQ(last_total, *written);
}

INSTANTIATE_TEST_SUITE_P(Backends, DeclarativeImportExport, ::testing::ValuesIn(conformance::backends()),
                         conformance::BackendName);

}  // namespace
}  // namespace kongdb::declarative

namespace kongdb::declarative {
namespace {

// memory has no transactions: a write failing half-way (here injected on the third consumer)
// has the rows written before it taken back.
TEST(DeclarativeImportOnMemory, AWriteFailingHalfWayIsTakenBack) {
  auto registry = std::make_shared<schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
  int consumer_writes = 0;
  strategy::MemoryOptions options;
  options.before_write = [&](std::string_view entity, std::string_view) -> Result<void> {
    if (entity == "consumers" && ++consumer_writes == 3) return errors::database_error("injected failure");
    return {};
  };
  auto conn = strategy::open_memory(options);
  ASSERT_TRUE(conn);
  auto db = dao::DB::create(std::move(*conn), registry);
  ASSERT_TRUE(db);
  ASSERT_TRUE((*db)->dao("services")->insert(json::parse(R"({"name":"kept","url":"http://kept.internal"})").value()));
  auto before = export_from_db(**db);
  ASSERT_TRUE(before);

  auto doc = decode(R"(
_format_version: "3.0"
services:
- name: new-service
  url: http://new.internal
  routes:
  - name: new-route
    paths: [/new]
consumers:
- username: c1
- username: c2
- username: c3
)", Format::Yaml);
  ASSERT_TRUE(doc);
  auto flat = flatten(*registry, *doc);
  ASSERT_TRUE(flat);
  auto written = load_into_db(**db, *flat);
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("injected failure"), std::string::npos) << written.error().message;
  auto after = export_from_db(**db);
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, *before);
}

}  // namespace
}  // namespace kongdb::declarative
