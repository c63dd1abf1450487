// kongdb command line. CLI11 lives in this file only (it is expensive to compile).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"kongdb: Kong's datastore layer, standalone"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(kongdb::cli::version_string()));

  app.add_subcommand("version", "Print the kongdb version")->callback([] {
    std::exit(kongdb::cli::run_version(std::cout));
  });

  std::string entity;
  std::string body;
  auto* validate = app.add_subcommand(
      "validate", "Validate an entity as an insert would; print it with defaults, or Kong's error");
  validate->add_option("entity", entity, "Entity name (services, routes, plugins, ...)")->required();
  validate->add_option("json", body, "The entity as JSON")->required();
  validate->callback([&] { std::exit(kongdb::cli::run_validate(entity, body, std::cout)); });

  std::string plugin;
  auto* schema = app.add_subcommand("schema", "Print an entity's schema as GET /schemas/{name} does");
  schema->add_option("entity", entity, "Entity name, or 'plugins'")->required();
  schema->add_option("plugin", plugin, "With 'plugins': the plugin whose config schema to print");
  schema->callback([&] { std::exit(kongdb::cli::run_schema(entity, plugin, std::cout)); });

  CLI11_PARSE(app, argc, argv);
  return 0;
}
