// kongdb command line. CLI11 lives in this file only (it is expensive to compile).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/config_command.h"
#include "cli/lua_command.h"
#include "cli/start_command.h"

int main(int argc, char** argv) {
  CLI::App app{"kongdb: Kong's datastore layer, standalone"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(kongdb::cli::version_string()));

  // -c/--conf on every command, as Kong's CLI has it; the KONG_* environment applies anyway.
  std::string conf_path;
  auto add_conf = [&](CLI::App* sub) {
    sub->add_option("-c,--conf", conf_path, "Configuration file (kongdb.conf)");
  };
  // Runs a command once its configuration loaded; a bad configuration exits 1.
  auto with_config = [&](auto&& fn) {
    auto conf = kongdb::cli::load_config(conf_path, std::cerr);
    if (!conf) std::exit(1);
    std::exit(fn(*conf));
  };

  auto* version = app.add_subcommand("version", "Print the kongdb version");
  add_conf(version);
  version->callback([&] { with_config([](const kongdb::Config&) { return kongdb::cli::run_version(std::cout); }); });

  std::string entity;
  std::string body;
  auto* validate = app.add_subcommand(
      "validate", "Validate an entity as an insert would; print it with defaults, or Kong's error");
  add_conf(validate);
  validate->add_option("entity", entity, "Entity name (services, routes, plugins, ...)")->required();
  validate->add_option("json", body, "The entity as JSON")->required();
  validate->callback([&] {
    with_config([&](const kongdb::Config& c) { return kongdb::cli::run_validate(c, entity, body, std::cout); });
  });

  std::string plugin;
  auto* schema = app.add_subcommand("schema", "Print an entity's schema as GET /schemas/{name} does");
  add_conf(schema);
  schema->add_option("entity", entity, "Entity name, or 'plugins'")->required();
  schema->add_option("plugin", plugin, "With 'plugins': the plugin whose config schema to print");
  schema->callback([&] {
    with_config([&](const kongdb::Config& c) { return kongdb::cli::run_schema(c, entity, plugin, std::cout); });
  });

  kongdb::cli::MigrationsRequest mig;
  auto* migrations = app.add_subcommand("migrations", "Manage database schema migrations");
  add_conf(migrations);
  migrations->add_option("command", mig.command, "bootstrap | up | finish | list | reset | status")
      ->required()
      ->check(CLI::IsMember({"bootstrap", "up", "finish", "list", "reset", "status"}));
  migrations->add_flag("-y,--yes", mig.yes, "Assume \"yes\" to prompts and run non-interactively");
  migrations->add_flag("-q,--quiet", mig.quiet, "Suppress all output");
  migrations->callback([&] {
    mig.stdin_is_tty = isatty(STDIN_FILENO) != 0;
    with_config([&](const kongdb::Config& conf) {
      return kongdb::cli::run_migrations(conf, mig, std::cin, std::cout, std::cerr);
    });
  });

  kongdb::cli::DbRequest db_req;
  auto* db = app.add_subcommand("db", "Read and write entities: kongdb db ENTITY VERB ...");
  add_conf(db);
  db->add_option("entity", db_req.entity, "Entity name (services, routes, plugins, ...)")->required();
  db->add_option("verb", db_req.verb, "insert 'JSON' | get KEY | list | update KEY 'JSON' | "
                                      "upsert KEY 'JSON' | delete KEY")
      ->required();
  // Two plain positionals rather than a vector: CLI11 would split a '[...]' argument as a list.
  std::string db_arg1;
  std::string db_arg2;
  auto* db_opt1 = db->add_option("arg1", db_arg1, "KEY (id or endpoint key, e.g. a service name), or JSON");
  auto* db_opt2 = db->add_option("arg2", db_arg2, "JSON (update, upsert)");
  db->add_option("--size", db_req.size, "list: page size (1..50000, default 1000)");
  db->add_option("--offset", db_req.offset, "list: the offset of the previous page");
  // One value per --tags (repeatable), so a following positional is not swallowed.
  db->add_option("--tags", db_req.tags, "list: tags to filter by (a,b)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  db->add_option("--tags-cond", db_req.tags_cond, "list: and | or");
  db->add_option("--for", db_req.for_fk, "list: only those whose foreign key FIELD is KEY (service=mockbin)");
  db->callback([&] {
    if (db_opt1->count() > 0) db_req.args.push_back(db_arg1);
    if (db_opt2->count() > 0) db_req.args.push_back(db_arg2);
    with_config([&](const kongdb::Config& conf) { return kongdb::cli::run_db(conf, db_req, std::cout, std::cerr); });
  });

  // Everything after FILE belongs to the script (prefix_command), as with the lua interpreter.
  kongdb::cli::LuaRequest lua_req;
  std::string lua_code;
  auto* lua = app.add_subcommand("lua", "Run Lua with kong.db, singletons.dao and cjson: FILE [ARGS] or -e CODE");
  add_conf(lua);
  auto* lua_e = lua->add_option("-e", lua_code, "Run CODE (before FILE, if one is given)");
  lua->prefix_command();
  lua->callback([&] {
    if (lua_e->count() > 0) lua_req.code = lua_code;
    std::vector<std::string> rest = lua->remaining();
    if (!rest.empty()) {
      lua_req.file = rest.front();
      lua_req.args.assign(rest.begin() + 1, rest.end());
    }
    with_config([&](const kongdb::Config& conf) { return kongdb::cli::run_lua(conf, lua_req, std::cerr); });
  });

  auto* start = app.add_subcommand("start", "Serve the Admin API in the foreground until SIGINT/SIGTERM");
  add_conf(start);
  start->callback([&] { with_config([](const kongdb::Config& conf) { return kongdb::cli::run_start(conf, std::cerr); }); });

  kongdb::cli::ConfigRequest config_req;
  std::string config_file;
  auto* config_cmd = app.add_subcommand("config", "Declarative configuration: init [FILE] | parse FILE | "
                                                  "db_import FILE | db_export [FILE|-]");
  add_conf(config_cmd);
  config_cmd->add_option("command", config_req.command, "init | parse | db_import | db_export")
      ->required()
      ->check(CLI::IsMember({"init", "parse", "db_import", "db_export"}));
  auto* config_file_opt = config_cmd->add_option("file", config_file, "The declarative file (default ./kong.yml; "
                                                                      "db_export: - for stdout)");
  config_cmd->add_flag("--json", config_req.json, "Machine-readable output: results and errors as JSON");
  config_cmd->add_flag("-q,--quiet", config_req.quiet, "No log lines and no progress");
  config_cmd->callback([&] {
    if (config_file_opt->count() > 0) config_req.file = config_file;
    config_req.progress = isatty(STDERR_FILENO) != 0;
    with_config([&](const kongdb::Config& conf) {
      return kongdb::cli::run_config(conf, config_req, std::cout, std::cerr);
    });
  });

  auto* health = app.add_subcommand("health", "Check that a running kongdb answers on admin_listen");
  add_conf(health);
  health->callback([&] {
    with_config([](const kongdb::Config& conf) { return kongdb::cli::run_health(conf, std::cout, std::cerr); });
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Usage mistakes exit 1 like every other bad input (--help and --version still exit 0).
    return app.exit(e) == 0 ? 0 : 1;
  }
  return 0;
}
