// The handler factory, the route table generated from the registry and request dispatch
// (Kong's kong/api/init.lua, endpoints.lua generate_endpoints and api_helpers routing).
#include <algorithm>
#include <utility>

#include "admin/api/api_internal.h"
#include "kongdb/admin/request_decoding.h"

namespace kongdb::admin {
namespace api {
namespace {

std::vector<std::string> split_pattern(const std::string& pattern) {
  std::vector<std::string> out;
  if (pattern == "/") return out;
  std::string current;
  for (size_t i = 1; i <= pattern.size(); ++i) {
    if (i == pattern.size() || pattern[i] == '/') {
      out.push_back(current);
      current.clear();
    } else {
      current += pattern[i];
    }
  }
  return out;
}

// Lapis precedence among routes of one length: at the first position where two routes differ,
// a literal beats a parameter. Lengths are ordered too, only to keep the ordering strict-weak.
bool more_specific(const Route& a, const Route& b) {
  if (a.segments.size() != b.segments.size()) return a.segments.size() < b.segments.size();
  for (size_t i = 0; i < a.segments.size(); ++i) {
    const bool pa = a.segments[i].starts_with(':');
    const bool pb = b.segments[i].starts_with(':');
    if (pa != pb) return !pa;
  }
  return false;
}

std::string allowed_methods(const Route& route) {
  std::vector<std::string> names;
  for (const auto& [m, _] : route.methods) names.push_back(m);
  if (route.methods.contains("GET")) names.push_back("HEAD");
  names.push_back("OPTIONS");
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

Api::Api(std::shared_ptr<Shared> shared, std::unique_ptr<dao::DB> db)
    : shared_(std::move(shared)), db_(std::move(db)) {
  for (const schema::Schema* s : registry().all()) {
    if (s->generate_admin_api.value_or(true)) add_entity_routes(*s);
  }
  add_special_entity_routes(*this);
  add_info_routes(*this);
  std::stable_sort(routes_.begin(), routes_.end(),
                   [](const Route& a, const Route& b) { return more_specific(a, b); });
  Shared* sh = shared_.get();
  db_->subscribe([sh](const dao::CrudEvent& e) { sh->plugins_in_use.on_event(e); });
}

Route& Api::route(const std::string& pattern, const schema::Schema* schema) {
  for (Route& r : routes_) {
    if (r.pattern == pattern) {
      if (!r.schema) r.schema = schema;
      return r;
    }
  }
  Route r;
  r.pattern = pattern;
  r.segments = split_pattern(pattern);
  r.schema = schema;
  routes_.push_back(std::move(r));
  return routes_.back();
}

void Api::remove_route(const std::string& pattern) {
  std::erase_if(routes_, [&](const Route& r) { return r.pattern == pattern; });
}

// Kong's generate_endpoints: the collection, the entity, and for every foreign key the parent
// accessor, the nested collection and the nested entity.
void Api::add_entity_routes(const schema::Schema& schema) {
  const std::string name = schema.admin_api_name.value_or(schema.name);
  add_collection_endpoints(route("/" + name, &schema), schema, nullptr, {});
  add_entity_endpoints(route("/" + name + "/:" + schema.name, &schema), schema, nullptr, {}, false);
  for (const auto& [field_name, field] : schema.fields) {
    if (field.type() != schema::FieldType::Foreign || !field.foreign_schema_) continue;
    const schema::Schema& parent = *field.foreign_schema_;
    const std::string parent_name = parent.admin_api_name.value_or(parent.name);
    const std::string nested = schema.admin_api_nested_name.value_or(name);
    add_entity_endpoints(route("/" + name + "/:" + schema.name + "/" + field_name, &parent), parent,
                         &schema, field_name, true);
    add_collection_endpoints(route("/" + parent_name + "/:" + parent.name + "/" + nested, &schema),
                             schema, &parent, field_name);
    add_entity_endpoints(
        route("/" + parent_name + "/:" + parent.name + "/" + nested + "/:" + schema.name, &schema),
        schema, &parent, field_name, false);
  }
}

const Route* Api::match(const std::vector<std::string>& segments,
                        std::vector<std::string>& params) const {
  for (const Route& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      if (!r.segments[i].starts_with(':')) ok = r.segments[i] == segments[i];
    }
    if (!ok) continue;
    params.clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      if (r.segments[i].starts_with(':')) params.push_back(segments[i]);
    }
    return &r;
  }
  return nullptr;
}

void Api::log(const std::string& line) const {
  if (shared_->options.log) shared_->options.log(line);
}

Response Api::handle(const Request& request) {
  auto target = decode_target(request.target);
  if (!target) return message_response(400, target.error().message);
  Call call{.request = request};
  call.path = target->path;
  call.query = target->query;
  const std::vector<std::string>& segments = target->segments;
  const Route* r = match(segments, call.params);
  if (!r) return not_found();

  std::string method = request.method;
  if (method == "OPTIONS") {
    Response res = no_content();
    const std::string allow = allowed_methods(*r);
    res.headers.push_back({"allow", allow});
    res.headers.push_back({"access-control-allow-methods", allow});
    res.headers.push_back({"access-control-allow-headers", "Content-Type"});
    return res;
  }
  const bool head = method == "HEAD";
  if (head) method = "GET";
  auto it = r->methods.find(method);
  if (it == r->methods.end()) return method_not_allowed();

  if (auto refused = read_arguments(call)) return *refused;
  if (r->schema) {
    infer_arguments(call.uri_args, *r->schema);
    if (call.form_body) infer_arguments(call.post_args, *r->schema);
  }
  Response res = it->second(*this, call);
  if (head) res.body.clear();
  return res;
}

// --- PluginNamesInUse ---

Result<void> PluginNamesInUse::ensure_loaded(const std::vector<std::string>& names, const Probe& probe) {
  std::lock_guard lock(mutex_);
  if (loaded_) return {};
  for (const std::string& name : names) {
    auto found = probe(name);
    if (!found) return tl::unexpected(found.error());
    if (*found) present_[name] = true;
  }
  loaded_ = true;
  return {};
}

void PluginNamesInUse::on_event(const dao::CrudEvent& event) {
  if (event.schema != "plugins") return;
  auto name_of = [](const Value& v) -> std::string {
    const Value* n = v.find("name");
    return n && n->is_string() ? n->as_string() : std::string();
  };
  std::lock_guard lock(mutex_);
  if (event.operation == "create") {
    present_[name_of(event.entity)] = true;
  } else if (event.operation == "delete") {
    recheck_.push_back(name_of(event.entity));
  } else if (event.operation == "update") {
    present_[name_of(event.entity)] = true;
    if (event.old_entity.is_object()) recheck_.push_back(name_of(event.old_entity));
  }
}

Result<std::vector<std::string>> PluginNamesInUse::enabled(const Probe& probe) {
  std::lock_guard lock(mutex_);
  std::sort(recheck_.begin(), recheck_.end());
  recheck_.erase(std::unique(recheck_.begin(), recheck_.end()), recheck_.end());
  while (!recheck_.empty()) {
    auto found = probe(recheck_.back());
    if (!found) return tl::unexpected(found.error());
    present_[recheck_.back()] = *found;
    recheck_.pop_back();
  }
  std::vector<std::string> out;
  for (const auto& [name, in_use] : present_) {
    if (in_use && !name.empty()) out.push_back(name);
  }
  return out;
}

PluginNamesInUse::Probe plugin_name_probe(dao::DB& db) {
  return [&db](const std::string& name) -> Result<bool> {
    dao::DAO* plugins = db.dao("plugins");
    if (!plugins) return false;
    return plugins->exists_with("name", Value(name));
  };
}

}  // namespace api

namespace {

// decK tells Kong flavours apart by this header; every reply carries it.
Response with_server_header(Response r) {
  r.headers.push_back({"server", std::string("kong/") + kKongCompatibleVersion});
  return r;
}

}  // namespace

HandlerFactory make_admin_api(DbOpener open_db, const Config& config, ApiOptions options) {
  auto shared = std::make_shared<api::Shared>();
  shared->config = config;
  shared->options = std::move(options);
  shared->open_db = std::move(open_db);
  if (shared->options.node_id.empty()) shared->options.node_id = random_ids().uuid();
  return [shared]() -> Handler {
    auto db = shared->open_db();
    if (!db) {
      const std::string why = db.error();
      if (shared->options.log) shared->options.log("admin api: cannot open the database: " + why);
      return [](const Request&) {
        return with_server_header(api::message_response(500, "An unexpected error occurred"));
      };
    }
    if (auto loaded = shared->plugins_in_use.ensure_loaded((*db)->registry().plugin_names(),
                                                           api::plugin_name_probe(**db));
        !loaded && shared->options.log) {
      shared->options.log("admin api: cannot list the plugins in use: " + loaded.error().to_string());
    }
    auto api = std::make_shared<api::Api>(shared, std::move(*db));
    return [api](const Request& request) { return with_server_header(api->handle(request)); };
  };
}

}  // namespace kongdb::admin
