// The Admin API over the configured database: every handler (one per worker thread) opens its
// own DB through app::open_db.
//
//   admin::HandlerFactory factory = app::admin_api(config, {.node_id = id});
//   auto server = admin::Server::start(options, std::move(factory));
#pragma once

#include "kongdb/admin/api.h"
#include "kongdb/config/config.h"

namespace kongdb::app {

/// Handlers open the database without bootstrapping messages: open it once with open_db first
/// (as `kongdb start` does) so a new SQLite file is bootstrapped by one thread.
admin::HandlerFactory admin_api(const Config& config, admin::ApiOptions options = {});

}  // namespace kongdb::app
