// The kongdb subcommands, kept apart from argument parsing so they can be tested and reused.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/config/config.h"

namespace kongdb::dao {
class DB;
}

namespace kongdb::cli {

std::string_view version_string();
int run_version(std::ostream& out);
/// Exit code 0 with the processed entity as JSON, or 1 with Kong's error object.
int run_validate(const Config& config, const std::string& entity, const std::string& json_body,
                 std::ostream& out);
int run_schema(const Config& config, const std::string& entity, const std::string& plugin,
               std::ostream& out);

/// Loads `-c FILE` (may be empty) and the KONG_* environment; on failure prints
/// "Error: ..." to `err` and returns nullopt.
std::optional<Config> load_config(const std::string& path, std::ostream& err);

struct MigrationsRequest {
  std::string command;  // bootstrap | up | finish | list | reset | status
  bool yes = false;     // -y: no confirmation for reset
  bool quiet = false;   // -q: no progress lines
  bool stdin_is_tty = false;
};

/// `kongdb migrations COMMAND`: progress on `out`, failures as "Error: ..." on `err`. Exit
/// codes as Kong's: list gives 3 (needs bootstrap), 4 (pending), 5 (new migrations).
int run_migrations(const Config& config, const MigrationsRequest& req, std::istream& in,
                   std::ostream& out, std::ostream& err);

struct DbRequest {
  std::string entity;             // services, routes, plugins, keyauth_credentials, ...
  std::string verb;               // insert | get | list | update | upsert | delete
  std::vector<std::string> args;  // KEY and/or JSON, per verb
  std::optional<std::string> size;
  std::optional<std::string> offset;
  std::vector<std::string> tags;  // each may be a comma list
  std::optional<std::string> tags_cond;
  std::optional<std::string> for_fk;  // FKFIELD=KEY
};

/// `kongdb db ENTITY VERB ...`: opens the configured database (bootstrapping a new SQLite
/// file), then run_db_on. Setup failures print {"message": ...} and return 1.
int run_db(const Config& config, const DbRequest& req, std::ostream& out, std::ostream& err);
/// The verb on an open DB: pretty JSON on success (exit 0); Kong's error object, or
/// {"message": ...} for bad arguments, or {"message":"Not found"} (exit 1).
int run_db_on(dao::DB& db, const DbRequest& req, std::ostream& out);

}  // namespace kongdb::cli
