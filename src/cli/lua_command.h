// `kongdb lua FILE [ARGS...]` and `kongdb lua -e CODE`: runs Lua with kong.db, the legacy
// singletons.dao and cjson loaded over the configured database (app::open_db_with_lua).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "kongdb/config/config.h"

namespace kongdb::cli {

struct LuaRequest {
  std::optional<std::string> code;  // -e CODE (runs before FILE when both are given)
  std::optional<std::string> file;  // FILE; `arg` and `...` carry ARGS as the lua interpreter does
  std::vector<std::string> args;
};

/// Exit code 0 when everything ran; 1 when the database cannot be opened or the Lua code
/// raised an error, whose message and traceback go to `err`.
int run_lua(const Config& config, const LuaRequest& req, std::ostream& err);

}  // namespace kongdb::cli
