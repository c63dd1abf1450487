// The Lua modules plugin schema files require: kong.db.schema.typedefs (Kong's typedefs as
// callable tables that stand for kongdb's C++ typedefs), kong.db.schema (Schema.define),
// kong.constants and kong.tools.utils (the parts plugin schemas use). Written for kongdb.
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/schema/typedefs.h"
#include "lua/plugin_internal.h"

namespace kongdb::lua {
namespace {

// The typedefs Lua code may name: every name typedefs::by_name knows.
constexpr std::string_view kTypedefNames[] = {
    "http_method", "protocol", "host", "redis_host", "host_with_optional_port", "wildcard_host",
    "ip", "ip_or_cidr", "cidr_v4", "cidr", "port", "path", "url", "cookie_name", "header_name",
    "timeout", "uuid", "auto_timestamp_s", "auto_timestamp_ms", "no_route", "no_service",
    "no_consumer", "name", "utf8_name", "sni", "redis_server_name", "certificate", "key", "tag",
    "tags", "capability", "protocols", "protocols_http", "sources", "no_sources", "destinations",
    "no_destinations", "methods", "no_methods", "hosts", "no_hosts", "router_path", "router_paths",
    "no_paths", "headers", "no_headers", "semantic_version", "pem", "jwk", "lua_code", "ttl",
};

// Schema.define: calling a definition with overrides returns the overrides completed with
// the definition's own attributes (what `typedefs.port { default = 80 }` relies on).
constexpr const char* kSchemaModule = R"lua(
local Schema = {}
local complete_with = {
  __call = function(definition, overrides)
    local out = overrides or {}
    for k, v in pairs(definition) do
      if out[k] == nil then out[k] = v end
    end
    return out
  end,
}
function Schema.define(definition)
  return setmetatable(definition, complete_with)
end
return Schema
)lua";

// Each typedef is a table marked with the C++ typedef it stands for; the schema converter
// starts from that typedef and lays the table's other attributes over it.
constexpr const char* kTypedefsModuleHead = R"lua(
local Schema = require "kong.db.schema"
local typedefs = {}
local function add(name, type, required)
  typedefs[name] = Schema.define { __kongdb_typedef = name, type = type, required = required }
end
)lua";

constexpr const char* kTypedefsModuleTail = R"lua(
return setmetatable(typedefs, {
  __index = function(_, name)
    error("schema typedef error: definition " .. tostring(name) .. " does not exist", 2)
  end,
})
)lua";

constexpr const char* kUtilsModule = R"lua(
local utils = {}
local hex = "0123456789abcdef"
-- 32 random hex characters; kongdb turns a function default into its own auto-generated key.
function utils.random_string()
  local out = {}
  for i = 1, 32 do
    local n = math.random(1, 16)
    out[i] = hex:sub(n, n)
  end
  return table.concat(out)
end
return utils
)lua";

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string typedefs_module() {
  std::string code = kTypedefsModuleHead;
  for (std::string_view name : kTypedefNames) {
    auto f = schema::typedefs::by_name(name);
    if (!f) continue;
    code += "add(" + quoted(name) + ", " + quoted(schema::field_type_name(f->type())) + ", " +
            (f->is_required() ? "true" : "nil") + ")\n";
  }
  return code + kTypedefsModuleTail;
}

std::string constants_module() {
  std::string protocols;
  for (const auto& p : schema::typedefs::all_protocols()) protocols += quoted(p) + ", ";
  std::string bundled;
  for (const auto& name : schema::EntityRegistry::with_core_entities().plugin_names()) {
    bundled += "[" + quoted(name) + "] = true, ";
  }
  return "return {\n"
         "  PROTOCOLS = { " + protocols + "},\n"
         "  BUNDLED_PLUGINS = { " + bundled + "},\n"
         "  DAO_MAX_TTL = 100000000,\n"
         "  CORE_ENTITIES = { \"workspaces\", \"consumers\", \"certificates\", \"services\", \"routes\", "
         "\"snis\", \"upstreams\", \"targets\", \"plugins\", \"tags\", \"ca_certificates\", \"vaults\", \"key_sets\", \"keys\" },\n"
         "}\n";
}

// package.preload[name] = the chunk `code` (compiled now: a syntax error is ours, not the user's).
void preload_chunk(lua_State* L, const char* name, const std::string& code) {
  StackGuard guard(L);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  const std::string chunk_name = std::string("=") + name;
  if (luaL_loadbuffer(L, code.data(), code.size(), chunk_name.c_str()) != 0) {
    lua_pop(L, 1);  // a bug in the strings above, caught by the unit tests
    return;
  }
  lua_setfield(L, -2, name);
}

}  // namespace

void install_schema_modules(lua_State* L) {
  static const std::string typedefs = typedefs_module();
  static const std::string constants = constants_module();
  preload_chunk(L, "kong.db.schema", kSchemaModule);
  preload_chunk(L, "kong.db.schema.typedefs", typedefs);
  preload_chunk(L, "kong.constants", constants);
  preload_chunk(L, "kong.tools.utils", kUtilsModule);
}

}  // namespace kongdb::lua
