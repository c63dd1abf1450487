// The Admin GUI's static site. Every file is read at start-up and served from memory, so a
// request never touches the file system (no path traversal to guard against, no I/O on the
// event loop) and a missing or broken build is reported before anything is served.
#include "kongdb/admin/gui.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "kongdb/core/json.h"

namespace kongdb::admin {
namespace {

namespace fs = std::filesystem;

struct StaticFile {
  std::string content_type;
  std::string cache_control;
  std::string body;
};

using Site = std::map<std::string, StaticFile, std::less<>>;

std::string content_type_of(const fs::path& file) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},   {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},     {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},               {".png", "image/png"},
      {".ico", "image/x-icon"},                {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},   {".map", "application/json; charset=utf-8"}};
  auto it = kTypes.find(file.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// The app only ever talks to the Admin API (connect-src); everything else must come from this
// site, so injected markup can neither load nor run anything.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self' http: https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

Response text_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.push_back({"content-type", "text/plain; charset=utf-8"});
  r.body = std::move(body);
  return r;
}

Response serve(const Site& site, const Request& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    Response r = text_response(405, "Method Not Allowed\n");
    r.headers.push_back({"allow", "GET, HEAD"});
    return r;
  }
  std::string_view path = request.target;
  path = path.substr(0, path.find_first_of("?#"));
  if (path == "/") path = "/index.html";
  auto it = site.find(path);
  if (it == site.end()) return text_response(404, "Not Found\n");
  Response r;
  r.headers.push_back({"content-type", it->second.content_type});
  r.headers.push_back({"cache-control", it->second.cache_control});
  r.headers.push_back({"x-content-type-options", "nosniff"});
  r.headers.push_back({"content-security-policy", kContentSecurityPolicy});
  r.headers.push_back({"referrer-policy", "no-referrer"});
  r.body = request.method == "HEAD" ? std::string() : it->second.body;
  return r;
}

}  // namespace

tl::expected<HandlerFactory, std::string> make_gui_site(const GuiSite& gui) {
  const fs::path root(gui.root);
  std::error_code ec;
  if (!fs::is_regular_file(root / "index.html", ec))
    return tl::unexpected("no Admin GUI files in '" + gui.root + "' (index.html is missing)");

  auto site = std::make_shared<Site>();
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) return tl::unexpected("cannot read Admin GUI file '" + it->path().string() + "'");
    const std::string url = "/" + fs::relative(it->path(), root, ec).generic_string();
    // Vite names assets by content hash, so they never change under the same URL.
    const bool hashed = url.starts_with("/assets/");
    (*site)[url] = StaticFile{content_type_of(it->path()),
                              hashed ? "public, max-age=31536000, immutable" : "no-cache",
                              body.str()};
  }
  if (ec) return tl::unexpected("cannot read Admin GUI folder '" + gui.root + "': " + ec.message());
  (*site)["/kconfig.json"] =
      StaticFile{"application/json; charset=utf-8", "no-cache",
                 json::encode(Value::object({{"admin_api_url", gui.admin_api_url}}))};

  return HandlerFactory([site]() -> Handler {
    return [site](const Request& request) { return serve(*site, request); };
  });
}

std::string default_gui_root() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "share/kongdb/gui";
  return (self.parent_path().parent_path() / "share" / "kongdb" / "gui").string();
}

std::string default_gui_api_url(const ListenAddress& admin_listener) {
  return std::string(admin_listener.ssl ? "https://" : "http://") + admin_listener.to_string();
}

std::vector<std::string> gui_origins(std::string_view admin_gui_url) {
  std::vector<std::string> out;
  while (!admin_gui_url.empty()) {
    size_t comma = admin_gui_url.find(',');
    std::string_view url = admin_gui_url.substr(0, comma);
    admin_gui_url = comma == std::string_view::npos ? std::string_view() : admin_gui_url.substr(comma + 1);
    while (!url.empty() && url.front() == ' ') url.remove_prefix(1);
    while (!url.empty() && url.back() == ' ') url.remove_suffix(1);
    size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) continue;
    size_t authority_end = url.find_first_of("/?#", scheme_end + 3);
    out.emplace_back(url.substr(0, authority_end));
  }
  return out;
}

}  // namespace kongdb::admin
