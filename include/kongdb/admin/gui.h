// The Admin GUI's static site (Kong Manager's admin_gui_listen): a built single-page app (gui/,
// Vue + Vite) served from memory by a second admin::Server, plus the one file it needs from the
// server: /kconfig.json, which tells the app where the Admin API is.
//
//   auto factory = admin::make_gui_site({.root = admin::default_gui_root(),
//                                        .admin_api_url = "http://127.0.0.1:8001"});
//   if (factory) admin::Server::start({.listeners = gui_listeners, .workers = 1}, *factory);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "kongdb/admin/http.h"
#include "kongdb/admin/server.h"

namespace kongdb::admin {

struct GuiSite {
  /// A folder holding index.html and its assets (a `vite build` output).
  std::string root;
  /// Kong's admin_gui_api_url: where the browser sends Admin API requests.
  std::string admin_api_url;
};

/// Reads every file under `site.root` once (a few hundred kB) and returns handlers that answer
/// GET/HEAD from memory: "/" is index.html, /kconfig.json is {"admin_api_url": ...}, hashed
/// /assets/* are cached for a year, other methods get 405 and unknown paths 404. An error
/// names the folder when it has no index.html.
tl::expected<HandlerFactory, std::string> make_gui_site(const GuiSite& site);

/// Where an installed GUI lives: <folder of the running binary>/../share/kongdb/gui.
std::string default_gui_root();

/// admin_gui_api_url's default: the first admin listener as a URL ("http://127.0.0.1:8001").
/// A wildcard host (0.0.0.0, ::) is kept; the app then uses the host it was loaded from.
std::string default_gui_api_url(const ListenAddress& admin_listener);

/// Kong's admin_gui_origin: the "scheme://host[:port]" of each comma-separated admin_gui_url.
std::vector<std::string> gui_origins(std::string_view admin_gui_url);

}  // namespace kongdb::admin
