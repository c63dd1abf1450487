// `kongdb start` (the Admin API in the foreground) and `kongdb health` (probe a running one).
#pragma once

#include <ostream>

#include "kongdb/config/config.h"

namespace kongdb::cli {

/// Serves the Admin API on config.admin_listen until SIGINT or SIGTERM, then drains and
/// returns 0. Start-up facts and failures go to `err`; a bad setting, an unopenable database
/// or an unbindable listener returns 1 before serving anything.
int run_start(const Config& config, std::ostream& err);

/// GET /status on the first admin listener: 0 with "... is healthy" on `out`, or 1 with the
/// reason on `err` (not running, not answering, database unreachable).
int run_health(const Config& config, std::ostream& out, std::ostream& err);

}  // namespace kongdb::cli
