// A handler over a fresh SQLite file per test: requests go straight to admin::Handler, no sockets.
//
//   auto r = call("POST", "/services", R"({"name":"s1","url":"http://example.com"})");
//   EXPECT_EQ(r.status, 201);  EXPECT_EQ(body(r)["name"], Value("s1"));
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

#include "kongdb/admin/api.h"
#include "kongdb/core/json.h"
#include "kongdb/dao/db.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/schema/registry.h"
#include "kongdb/strategy/sqlite.h"

namespace kongdb::admin::testing {

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kongdb_api_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    registry_ = std::make_shared<const schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
    auto conn = strategy::open_sqlite({.path = db_path()});
    ASSERT_TRUE(conn.has_value());
    std::ostringstream log;
    migrations::Runner runner(**conn, *registry_);
    ASSERT_TRUE(runner.bootstrap(log).has_value()) << log.str();
    factory_ = make_admin_api(opener(), config_, {.node_id = "00000000-0000-4000-8000-00000000abcd",
                                                   .hostname = "test-host",
                                                   .log = [this](const std::string& l) { logged_ += l + "\n"; }});
    handler_ = factory_();
  }
  void TearDown() override {
    handler_ = nullptr;
    factory_ = nullptr;
    std::filesystem::remove_all(dir_);
  }

  std::string db_path() const { return (dir_ / "kong.db").string(); }

  DbOpener opener() {
    return [this]() -> tl::expected<std::unique_ptr<dao::DB>, std::string> {
      auto conn = strategy::open_sqlite({.path = db_path()});
      if (!conn) return tl::unexpected(conn.error().to_string());
      auto db = dao::DB::create(std::move(*conn), registry_);
      if (!db) return tl::unexpected(db.error().to_string());
      return std::move(*db);
    };
  }

  Response call(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& content_type = "application/json") {
    Request req{.method = method, .target = target};
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      if (!content_type.empty()) req.headers.push_back({"content-type", content_type});
    }
    req.body = body;
    return handler_(req);
  }

  static Value body(const Response& r) {
    auto v = json::parse(r.body);
    EXPECT_TRUE(v.has_value()) << r.body;
    return v ? *v : Value();
  }

  static std::string header(const Response& r, const std::string& name) {
    for (const auto& h : r.headers) {
      if (h.name == name) return h.value;
    }
    return {};
  }

  /// Creates an entity through the API and returns it; fails the test when refused.
  Value create(const std::string& path, const std::string& json_body) {
    Response r = call("POST", path, json_body);
    EXPECT_EQ(r.status, 201) << path << " " << r.body;
    return body(r);
  }

  static std::string str(const Value& v, const std::string& key) {
    const Value* f = v.find(key);
    return f && f->is_string() ? f->as_string() : std::string();
  }

  std::filesystem::path dir_;
  std::shared_ptr<const schema::EntityRegistry> registry_;
  Config config_;
  HandlerFactory factory_;
  Handler handler_;
  std::string logged_;
};

}  // namespace kongdb::admin::testing
