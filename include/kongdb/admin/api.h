// The Admin API handler: Kong's Admin API (kong/api/*) over the DAO, as a pure function of an
// admin::Request. Routes are generated from the entity registry the DB was built with (core and
// plugin entities alike), plus the hand-written ones (/, /status, /schemas, /tags, /endpoints,
// /plugins/enabled, /openapi.json).
//
//   admin::HandlerFactory factory = admin::make_admin_api(
//       [&] { return app::open_db(config, std::cerr); }, config, {.node_id = id});
//   admin::Handler handle = factory();               // one per worker thread, owns its DB
//   admin::Response r = handle({.method = "GET", .target = "/services"});
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <tl/expected.hpp>

#include "kongdb/admin/http.h"
#include "kongdb/config/config.h"
#include "kongdb/core/value.h"
#include "kongdb/dao/db.h"

namespace kongdb::admin {

/// Opens one DB. Called once per handler (that is, per worker thread); a failure is reported
/// by that handler as 500 on every request (and to the log), never thrown.
using DbOpener = std::function<tl::expected<std::unique_ptr<dao::DB>, std::string>()>;

/// Where the handler writes operator diagnostics (database errors behind a 500). Thread-safe
/// sinks only: several handlers log concurrently.
using LogSink = std::function<void(const std::string& line)>;

struct ApiOptions {
  /// GET / "node_id"; a fresh UUID when empty.
  std::string node_id;
  /// GET / "hostname"; the machine's host name when empty.
  std::string hostname;
  /// GET /status "server": {connections_accepted, connections_active, connections_handled,
  /// connections_reading, connections_waiting, connections_writing, total_requests}. When
  /// unset, zeros are reported.
  std::function<Value()> server_status;
  /// GET / "configuration.admin_listeners"/"proxy_listeners" come from config.admin_listen;
  /// nothing else is needed from the transport.
  LogSink log;
};

/// The version reported in GET / and the Server header: Kong's format (go-kong and decK parse
/// X.Y.Z[-suffix]) with our suffix.
inline constexpr const char* kKongCompatibleVersion = "3.9.1-kongdb";

/// A factory of handlers sharing one registry view and the plugin-name counts behind GET /.
/// Each call opens its own DB through `open_db`.
HandlerFactory make_admin_api(DbOpener open_db, const Config& config, ApiOptions options = {});

}  // namespace kongdb::admin
