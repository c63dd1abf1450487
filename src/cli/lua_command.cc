#include "cli/lua_command.h"

#include <cstdio>
#include <iostream>

#include "kongdb/app/open.h"
#include "kongdb/lua/plugins.h"
#include "kongdb/lua/runtime.h"
#include "kongdb/lua/singletons.h"

namespace kongdb::cli {
namespace {

// Kong's configuration table as plugin code reads it: every property as loaded (strings),
// with `database` and `plugins` in their parsed form.
Value configuration_value(const Config& config) {
  Object conf;
  for (const auto& [key, value] : config.raw) conf.set(key, value);
  conf.set("database", config.database);
  conf.set("prefix", config.prefix);
  conf.set("lua_package_path", config.lua_package_path);
  Array plugins;
  for (const std::string& p : config.plugins) plugins.emplace_back(p);
  conf.set("plugins", Value(std::move(plugins)));
  return Value(std::move(conf));
}

}  // namespace

int run_lua(const Config& config, const LuaRequest& req, std::ostream& err) {
  if (!req.code && !req.file) {
    err << "Error: nothing to run: give a FILE or -e CODE\n";
    return 1;
  }
  // The script runs in the State the plugins' schema callbacks run in (package.path already
  // set from lua_package_path), so plugin modules load once and validators see the same world.
  auto opened = app::open_db_with_lua(config, err);
  if (!opened) {
    err << "Error: " << opened.error() << "\n";
    return 1;
  }
  lua::State& state = opened->lua->state;
  lua::install_singletons(state, *opened->db);
  lua::set_configuration(state, configuration_value(config));
  // The DB goes before the State: its validators may still reference it.
  auto finish = [&](int code) {
    opened->db.reset();
    return code;
  };
  // Lua's print writes to C stdout: keep it ordered with anything buffered in std::cout.
  std::cout.flush();
  if (req.code) {
    auto r = state.run_string(*req.code, "=(command line)");
    std::fflush(stdout);
    if (!r) {
      err << "Error: " << r.error() << "\n";
      return finish(1);
    }
  }
  if (req.file) {
    auto r = state.run_file(*req.file, req.args);
    std::fflush(stdout);
    if (!r) {
      err << "Error: " << r.error() << "\n";
      return finish(1);
    }
  }
  return finish(0);
}

}  // namespace kongdb::cli
