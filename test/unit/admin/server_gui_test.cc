// The Admin GUI's static site (admin_gui_listen) and Kong's CORS headers on the Admin API,
// socket-free: the site's handler and the CORS helper are pure functions of a request.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include <fstream>

#include "admin/http/support.h"
#include "kongdb/admin/gui.h"
#include "kongdb/core/json.h"

namespace kongdb::admin {
namespace {

namespace fs = std::filesystem;

std::string header(const Response& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (h.name == name) return h.value;
  return "";
}

class GuiSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("kongdb-gui-test-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "assets");
    write("index.html", "<!doctype html><div id=app></div>");
    write("assets/index-abc123.js", "console.log(1)");
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& name, const std::string& content) {
    std::ofstream(root_ / name, std::ios::binary) << content;
  }

  Handler handler() {
    auto factory = make_gui_site({.root = root_.string(), .admin_api_url = "http://127.0.0.1:8001"});
    EXPECT_TRUE(factory) << (factory ? "" : factory.error());
    return factory ? (*factory)() : Handler();
  }

  fs::path root_;
};

TEST_F(GuiSiteTest, ServesIndexAtTheRootWithAStrictContentSecurityPolicy) {
  Response r = handler()(Request{.method = "GET", .target = "/?x=1"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html><div id=app></div>");
  EXPECT_EQ(header(r, "content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(header(r, "cache-control"), "no-cache");
  EXPECT_NE(header(r, "content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(header(r, "x-content-type-options"), "nosniff");
}

TEST_F(GuiSiteTest, HashedAssetsAreCachedForAYear) {
  Response r = handler()(Request{.method = "GET", .target = "/assets/index-abc123.js"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(header(r, "cache-control"), "public, max-age=31536000, immutable");
}

TEST_F(GuiSiteTest, KconfigTellsTheAppWhereTheAdminApiIs) {
  Response r = handler()(Request{.method = "GET", .target = "/kconfig.json"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"admin_api_url":"http://127.0.0.1:8001"})");
}

TEST_F(GuiSiteTest, UnknownPathsAre404AndWritesAre405) {
  Handler h = handler();
  EXPECT_EQ(h(Request{.method = "GET", .target = "/../etc/passwd"}).status, 404);
  EXPECT_EQ(h(Request{.method = "GET", .target = "/nope.js"}).status, 404);
  Response post = h(Request{.method = "POST", .target = "/"});
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(header(post, "allow"), "GET, HEAD");
}

TEST_F(GuiSiteTest, HeadHasNoBody) {
  Response r = handler()(Request{.method = "HEAD", .target = "/index.html"});
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(GuiSiteTest, AFolderWithoutIndexIsAClearError) {
  fs::remove(root_ / "index.html");
  auto factory = make_gui_site({.root = root_.string(), .admin_api_url = ""});
  ASSERT_FALSE(factory);
  EXPECT_NE(factory.error().find("index.html is missing"), std::string::npos);
}

TEST(GuiSettings, OriginsComeFromAdminGuiUrl) {
  EXPECT_EQ(gui_origins("http://localhost:8002/manager, https://gui.example.com"),
            (std::vector<std::string>{"http://localhost:8002", "https://gui.example.com"}));
  EXPECT_TRUE(gui_origins("").empty());
}

TEST(GuiSettings, TheDefaultApiUrlIsTheFirstAdminListener) {
  EXPECT_EQ(default_gui_api_url(ListenAddress{"127.0.0.1", 8001}), "http://127.0.0.1:8001");
  EXPECT_EQ(default_gui_api_url(ListenAddress{"::1", 8444, true}), "https://[::1]:8444");
}

TEST(AdminCors, EchoesTheOriginAndAllowsCredentials) {
  Request request{.method = "GET", .target = "/services", .headers = {{"origin", "http://127.0.0.1:8002"}}};
  Response response;
  http_support::add_cors_headers(request, {}, response);
  EXPECT_EQ(header(response, "access-control-allow-origin"), "http://127.0.0.1:8002");
  EXPECT_EQ(header(response, "access-control-allow-credentials"), "true");
  Response no_origin;
  http_support::add_cors_headers(Request{.method = "GET", .target = "/"}, {}, no_origin);
  EXPECT_EQ(header(no_origin, "access-control-allow-origin"), "*");
}

TEST(AdminCors, AnOriginOutsideAdminGuiUrlGetsTheFirstAllowedOne) {
  Request request{.method = "GET", .target = "/", .headers = {{"origin", "http://evil.example"}}};
  Response response;
  http_support::add_cors_headers(request, {"http://gui.example:8002"}, response);
  EXPECT_EQ(header(response, "access-control-allow-origin"), "http://gui.example:8002");
}

TEST(AdminCors, APreflightGetsTheHeadersItAsksFor) {
  Request request{.method = "OPTIONS",
                  .target = "/services",
                  .headers = {{"origin", "http://127.0.0.1:8002"},
                              {"access-control-request-headers", "content-type,kong-admin-token"}}};
  Response response;
  response.headers.push_back({"access-control-allow-headers", "Content-Type"});
  http_support::add_cors_headers(request, {}, response);
  EXPECT_EQ(header(response, "access-control-allow-headers"), "content-type,kong-admin-token");
  size_t count = 0;
  for (const auto& h : response.headers) count += h.name == "access-control-allow-headers";
  EXPECT_EQ(count, 1u);
}

}  // namespace
}  // namespace kongdb::admin
