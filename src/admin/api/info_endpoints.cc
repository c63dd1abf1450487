// The hand-written endpoints of kong/api/routes/kong.lua, plugins.lua and tags.lua: GET /,
// /status, /endpoints, /schemas/..., /plugins/enabled, /plugins/schema/{name}, /tags,
// /openapi.json.
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "admin/api/api_internal.h"
#include "kongdb/dao/tags.h"
#include "kongdb/core/json.h"
#include "kongdb/schema/bundled_plugins.h"
#include "kongdb/schema/schema_json.h"

namespace kongdb::admin::api {

using schema::Schema;

namespace {

// Kong's handler.lua PRIORITY of a bundled plugin (0 for plugins from disk); clients only
// display it.
int64_t plugin_priority(std::string_view name) {
  const schema::BundledPlugin* bundled = schema::find_bundled_plugin(name);
  return bundled ? bundled->priority : 0;
}

// The version part Kong's plugins report: the release without our suffix.
std::string plugin_version() {
  std::string v = kKongCompatibleVersion;
  return v.substr(0, v.find('-'));
}

// Kong's listener objects from a `*_listen` value: "0.0.0.0:8000 reuseport, 0.0.0.0:8443 ssl".
Value listeners(const std::string& spec) {
  Value out = Value::array();
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    std::string entry = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? spec.size() + 1 : comma + 1;
    std::vector<std::string> words;
    size_t i = 0;
    while (i < entry.size()) {
      while (i < entry.size() && entry[i] == ' ') ++i;
      size_t j = entry.find(' ', i);
      if (j == std::string::npos) j = entry.size();
      if (j > i) words.push_back(entry.substr(i, j - i));
      i = j;
    }
    if (words.empty() || words[0] == "off") continue;
    const std::string& addr = words[0];
    const size_t colon = addr.rfind(':');
    if (colon == std::string::npos) continue;
    int64_t port = 0;
    for (char c : addr.substr(colon + 1)) {
      if (c < '0' || c > '9') { port = -1; break; }
      port = port * 10 + (c - '0');
    }
    if (port < 0) continue;
    auto has = [&](std::string_view flag) {
      return std::find(words.begin() + 1, words.end(), flag) != words.end();
    };
    Value l = Value::object({{"ip", addr.substr(0, colon)},
                             {"port", port},
                             {"ssl", has("ssl")},
                             {"http2", has("http2")},
                             {"proxy_protocol", has("proxy_protocol")},
                             {"deferred", has("deferred")},
                             {"reuseport", has("reuseport")},
                             {"bind", has("bind")},
                             {"listener", entry.substr(entry.find_first_not_of(' '))}});
    out.as_array().push_back(std::move(l));
  }
  return out;
}

bool is_sensitive(const std::string& key) {
  return key.find("password") != std::string::npos || key.find("token") != std::string::npos ||
         key.find("secret") != std::string::npos || key.ends_with("_key");
}

Value configuration(const Config& config, const std::vector<std::string>& plugin_names) {
  Object c;
  for (const auto& [k, v] : config.raw) c.set(k, is_sensitive(k) ? std::string("******") : v);
  c.set("database", config.database);
  c.set("router_flavor", config.get("router_flavor").value_or("traditional_compatible"));
  c.set("role", "traditional");
  c.set("prefix", config.prefix);
  c.set("admin_listen", config.admin_listen);
  c.set("admin_listeners", listeners(config.admin_listen));
  const std::string proxy = config.get("proxy_listen").value_or("0.0.0.0:8000 reuseport backlog=16384");
  c.set("proxy_listen", proxy);
  c.set("proxy_listeners", listeners(proxy));
  Value plugins = Value::array();
  for (const auto& p : config.plugins) plugins.as_array().emplace_back(p);
  c.set("plugins", std::move(plugins));
  Object loaded;
  for (const auto& n : plugin_names) loaded.set(n, true);
  c.set("loaded_plugins", Value(std::move(loaded)));
  c.set("db_cache_ttl", config.db_cache_ttl);
  c.set("kongdb_sqlite_path", config.sqlite_path);
  return Value(std::move(c));
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// Resident memory of this process, from /proc (Linux); 0 elsewhere.
int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * sysconf(_SC_PAGESIZE);
}

// The plugins the configuration enables: every bundled one for "bundled", else those named.
std::vector<std::string> enabled_plugin_names(const Api& api) {
  const auto all = api.registry().plugin_names();
  const auto& wanted = api.shared().config.plugins;
  const bool bundled = std::find(wanted.begin(), wanted.end(), "bundled") != wanted.end();
  std::vector<std::string> out;
  for (const auto& n : all) {
    if (bundled || std::find(wanted.begin(), wanted.end(), n) != wanted.end()) out.push_back(n);
  }
  return out;
}

// A plugin's or a vault kind's specialisation of its entity, or nullptr.
const Schema* subschema_of(const Api& api, const char* entity, const std::string& name) {
  const Schema* parent = api.registry().get(entity);
  if (!parent) return nullptr;
  auto it = parent->subschemas.find(name);
  return it == parent->subschemas.end() ? nullptr : it->second.get();
}

const Schema* plugin_subschema(const Api& api, const std::string& name) {
  return subschema_of(api, "plugins", name);
}

// Kong's validate_schema: defaults filled as for an insert, then the full validation.
Response validate_against(const Schema& schema, Value args) {
  auto processed = schema.process_auto_fields(std::move(args), schema::Context::Insert);
  if (!processed) return json_response(400, errors::schema_violation(processed.error()).to_value());
  if (auto errs = schema.validate(processed->data)) {
    return json_response(400, errors::schema_violation(*errs).to_value());
  }
  return message_response(200, "schema validation successful");
}

Response validate_entity(Api& api, Call& call, const std::string& name) {
  dao::DAO* dao = api.db().dao(name);
  if (!dao) return message_response(404, "No entity named '" + name + "'");
  if (call.form_body) infer_arguments(call.post_args, dao->schema());
  return validate_against(dao->schema(), call.post_args);
}

// Kong's /endpoints order: segment by segment ('/' sorts before every other byte).
bool endpoint_less(const std::string& a, const std::string& b) {
  auto key = [](std::string s) {
    std::replace(s.begin(), s.end(), '/', '\x01');
    return s;
  };
  return key(a) < key(b);
}

}  // namespace

void add_info_routes(Api& api) {
  api.route("/", nullptr).methods["GET"] = [](Api& a, Call&) -> Response {
    Shared& sh = a.shared();
    const auto names = enabled_plugin_names(a);
    Object available;
    for (const auto& n : names) {
      available.set(n, Value::object({{"version", plugin_version()}, {"priority", plugin_priority(n)}}));
    }
    auto in_use = sh.plugins_in_use.enabled(plugin_name_probe(a.db()));
    if (!in_use) return error_response(a, in_use.error());
    Value enabled = Value::array();
    for (const auto& n : *in_use) enabled.as_array().emplace_back(n);
    const long long pid = getpid();
    Value body = Value::object({
        {"tagline", "Welcome to kongdb"},
        {"version", kKongCompatibleVersion},
        {"edition", "community"},
        {"hostname", sh.options.hostname.empty() ? host_name() : sh.options.hostname},
        {"node_id", sh.options.node_id},
        {"timers", Value::object({{"running", 0}, {"pending", 0}})},
        {"plugins", Value::object({{"available_on_server", Value(std::move(available))},
                                   {"enabled_in_cluster", std::move(enabled)}})},
        {"lua_version", "none (kongdb is C++)"},
        {"configuration", configuration(sh.config, names)},
        {"pids", Value::object({{"master", pid}, {"workers", Value::array({pid})}})},
    });
    return json_response(200, body);
  };

  api.route("/status", nullptr).methods["GET"] = [](Api& a, Call&) -> Response {
    Shared& sh = a.shared();
    bool reachable = false;
    if (dao::DAO* ws = a.db().dao("workspaces")) reachable = ws->page(1).has_value();
    Value server = sh.options.server_status ? sh.options.server_status() : Value();
    if (!server.is_object()) {
      server = Value::object({{"connections_accepted", 0}, {"connections_active", 0},
                              {"connections_handled", 0}, {"connections_reading", 0},
                              {"connections_waiting", 0}, {"connections_writing", 0},
                              {"total_requests", 0}});
    }
    const double mib = static_cast<double>(resident_bytes()) / (1024.0 * 1024.0);
    char rss[32];
    std::snprintf(rss, sizeof rss, "%.2f MiB", mib);
    Value memory = Value::object(
        {{"workers_lua_vms", Value::array({Value::object({{"pid", static_cast<long long>(getpid())},
                                                          {"http_allocated_gc", std::string(rss)}})})},
         {"lua_shared_dicts", Value::object()}});
    return json_response(200, Value::object({{"database", Value::object({{"reachable", reachable}})},
                                             {"server", std::move(server)},
                                             {"memory", std::move(memory)}}));
  };

  api.route("/endpoints", nullptr).methods["GET"] = [](Api& a, Call&) -> Response {
    std::vector<std::string> paths;
    for (const Route& r : a.routes()) {
      std::string p;
      for (const auto& seg : r.segments) {
        p += "/";
        p += seg.starts_with(':') ? "{" + seg.substr(1) + "}" : seg;
      }
      paths.push_back(p.empty() ? "/" : p);
    }
    std::sort(paths.begin(), paths.end(), endpoint_less);
    Value data = Value::array();
    for (auto& p : paths) data.as_array().emplace_back(std::move(p));
    return json_response(200, Value::object({{"data", std::move(data)}}));
  };

  api.route("/openapi.json", nullptr).methods["GET"] = [](Api& a, Call&) -> Response {
    return json_response(200, openapi_document(a));
  };

  api.route("/schemas/:name", nullptr).methods["GET"] = [](Api& a, Call& call) -> Response {
    const std::string& name = call.params[0];
    dao::DAO* dao = a.db().dao(name);
    if (!dao) return message_response(404, "No entity named '" + name + "'");
    return json_response(200, schema::schema_to_value(dao->schema()));
  };
  api.route("/schemas/:db_entity_name/validate", nullptr).methods["POST"] = [](Api& a, Call& call) {
    return validate_entity(a, call, call.params[0]);
  };
  api.route("/schemas/plugins/validate", nullptr).methods["POST"] = [](Api& a, Call& call) {
    return validate_entity(a, call, "plugins");
  };
  api.route("/schemas/plugins/:name", nullptr).methods["GET"] = [](Api& a, Call& call) -> Response {
    const Schema* sub = plugin_subschema(a, call.params[0]);
    if (!sub) return message_response(404, "No plugin named '" + call.params[0] + "'");
    return json_response(200, schema::schema_to_value(*sub));
  };
  api.route("/schemas/vaults/validate", nullptr).methods["POST"] = [](Api& a, Call& call) {
    return validate_entity(a, call, "vaults");
  };
  api.route("/schemas/vaults/:name", nullptr).methods["GET"] = [](Api& a, Call& call) -> Response {
    const Schema* sub = subschema_of(a, "vaults", call.params[0]);
    if (!sub) return message_response(404, "No vault named '" + call.params[0] + "'");
    return json_response(200, schema::schema_to_value(*sub));
  };
  api.route("/plugins/schema/:name", nullptr).methods["GET"] = [](Api& a, Call& call) -> Response {
    const Schema* sub = plugin_subschema(a, call.params[0]);
    const schema::Field* config = sub ? sub->field("config") : nullptr;
    if (!config) return message_response(404, "No plugin named '" + call.params[0] + "'");
    return json_response(200, schema::field_to_value(*config));
  };
  api.route("/plugins/enabled", nullptr).methods["GET"] = [](Api& a, Call&) -> Response {
    Value names = Value::array();
    for (const auto& n : enabled_plugin_names(a)) names.as_array().emplace_back(n);
    return json_response(200, Value::object({{"enabled_plugins", std::move(names)}}));
  };

  // Declarative configuration is Kong's DB-less mode; kongdb always has a database.
  for (const char* method : {"GET", "POST"}) {
    api.route("/config", nullptr).methods[method] = [](Api&, Call&) {
      return message_response(400, "this endpoint is only available when Kong is configured to not use a database");
    };
  }

  // The tags index is written only by the database: its generated writes keep Kong's refusals
  // but are not operations the server serves, so the document leaves them out.
  const schema::Schema* tags_schema = api.registry().get("tags");
  api.route("/tags", tags_schema).always_refused = {"POST"};
  Route& by_tag = api.route("/tags/:tags", tags_schema);
  by_tag.always_refused = {"PUT", "PATCH", "DELETE"};
  by_tag.get_answers_page = true;
  // Kong's tags.lua: the entities carrying one tag (GET /tags itself is the generated collection).
  by_tag.methods["GET"] = [](Api& a, Call& call) -> Response {
    auto* tags = dynamic_cast<dao::TagsDAO*>(a.db().dao("tags"));
    if (!tags) return not_found();
    Value args = call.uri_args;
    auto size = page_size(args);
    if (!size) return error_response(a, size.error());
    std::optional<std::string> offset;
    if (const Value* o = args.find("offset"); o && !o->is_null()) {
      if (!o->is_string()) return error_response(a, errors::invalid_offset("", "must be a string"));
      offset = o->as_string();
    }
    const Value options = Value::object(
        {{"pagination", Value::object({{"page_size", 100}, {"max_page_size", 1000}})}});
    return page_response(a, tags->page_by_tag(call.params[0], *size, offset, options),
                         "/tags/" + escape_uri(call.params[0]) + "?offset=", "");
  };
}

}  // namespace kongdb::admin::api
