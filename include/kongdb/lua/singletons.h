// Installs the DB APIs into a State: `require "kong.singletons"` -> {db = kong.db (Kong's DAO
// API, db_binding.h), dao = the legacy 0.14 DAO (legacy_dao.h)}, and a global `kong` with
// `kong.db`. All are views onto the same dao::DB, which must outlive the State's use of them.
//
//   lua::State L({.package_path = config.lua_package_path});
//   lua::install_singletons(L, *db);
//   L.run_string("local s = require('kong.singletons').db.services:select({ id = x })", "=x");
#pragma once

#include "kongdb/dao/db.h"
#include "kongdb/lua/runtime.h"

namespace kongdb::lua {

void install_singletons(State& state, dao::DB& db);

/// Sets `kong.configuration` and `require("kong.singletons").configuration` (Kong's loaded
/// configuration: a table of its properties).
void set_configuration(State& state, const Value& configuration);

}  // namespace kongdb::lua
