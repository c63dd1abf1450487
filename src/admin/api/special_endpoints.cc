// Kong's hand-written overrides of generated entity routes: kong/api/routes/consumers.lua
// (?custom_id=), plugins.lua (form PATCH), certificates.lua (SNI names as keys),
// upstreams.lua / targets.lua (targets only under their upstream) and the acl plugin's api.lua
// (a consumer's ACL by group name).
#include <algorithm>
#include <cstdlib>

#include "admin/api/api_internal.h"
#include "kongdb/core/ids.h"

namespace kongdb::admin::api {

using schema::Schema;

namespace {

Value read_options() { return Value::object({{"nulls", true}}); }

Value upstreams_pk(const Value& upstream) { return Value::object({{"id", *upstream.find("id")}}); }

void add_consumer_search(Api& api) {
  Route& r = api.route("/consumers", api.registry().get("consumers"));
  Endpoint list = r.methods["GET"];
  r.methods["GET"] = [list](Api& a, Call& call) -> Response {
    const Value* custom_id = call.uri_args.find("custom_id");
    if (!custom_id) return list(a, call);
    if (!custom_id->is_string() || custom_id->as_string().empty()) {
      return message_response(400, "custom_id must be an unempty string");
    }
    auto found = a.db()["consumers"].select_by("custom_id", *custom_id, read_options());
    if (!found) return error_response(a, found.error());
    Value data = Value::array();
    if (*found) data.as_array().push_back(**found);
    return json_response(200, Value::object({{"data", std::move(data)}, {"next", Value()}}));
  };
}

// A form PATCH without `name` cannot coerce `config.*` before the plugin is known: read it.
void add_plugin_form_patch(Api& api) {
  const Schema* plugins = api.registry().get("plugins");
  if (!plugins) return;
  for (const Route& r : api.routes()) {
    if (r.schema != plugins || r.segments.empty() || r.segments.back() != ":plugins") continue;
    Route& route = api.route(r.pattern, plugins);
    auto it = route.methods.find("PATCH");
    if (it == route.methods.end()) continue;
    Endpoint patch = it->second;
    it->second = [patch, plugins](Api& a, Call& call) -> Response {
      if (call.form_body && !call.post_args.find("name")) {
        auto found = select_by_key(a.db()["plugins"], call.params.back(), read_options());
        if (!found) return error_response(a, found.error());
        if (!*found) return not_found();
        if (const Value* name = (*found)->find("name")) call.post_args.as_object().set("name", *name);
        infer_arguments(call.post_args, *plugins);
      }
      return patch(a, call);
    };
  }
}

// certificates.lua prepare_params: a certificate may be addressed by one of its SNI names.
// Sets `sni_name` when it was; answers 404 "SNI not found" unless the method creates.
std::optional<Response> certificate_by_sni(Api& a, Call& call, std::optional<std::string>& sni_name) {
  std::string& key = call.params[0];
  if (is_valid_uuid(key)) return std::nullopt;
  dao::DAO& snis = a.db()["snis"];
  auto sni = snis.select_by("name", Value(key), read_options());
  if (!sni) return error_response(a, sni.error());
  sni_name = key;
  if (*sni) {
    const Value* cert = (*sni)->find("certificate");
    const Value* id = cert ? cert->find("id") : nullptr;
    if (!id || !id->is_string()) return message_response(404, "SNI not found");
    key = id->as_string();
    return std::nullopt;
  }
  if (call.request.method != "PUT") return message_response(404, "SNI not found");
  key = a.db().ids().uuid();
  return std::nullopt;
}

// certificates.lua prepare_args: `snis` as a list, the SNI of the URL added on PUT.
void certificate_snis(Call& call, const std::optional<std::string>& sni_name) {
  const bool put = call.request.method == "PUT";
  Value* snis = call.post_args.find("snis");
  if (snis && snis->is_array()) {
    auto& list = snis->as_array();
    const bool found = sni_name && std::any_of(list.begin(), list.end(), [&](const Value& v) {
                         return v.is_string() && v.as_string() == *sni_name;
                       });
    if (sni_name && !found && put) list.emplace_back(*sni_name);
  } else if (snis && snis->is_string()) {
    const std::string one = snis->as_string();
    *snis = sni_name && put && *sni_name != one ? Value::array({one, *sni_name}) : Value::array({one});
  } else if (!snis && put) {
    call.post_args.as_object().set("snis", Value());
  }
}

void add_certificate_keys(Api& api) {
  const Schema* certificates = api.registry().get("certificates");
  if (!certificates) return;
  for (const std::string pattern :
       {"/certificates/:certificates", "/certificates/:certificates/snis",
        "/certificates/:certificates/snis/:snis"}) {
    Route& r = api.route(pattern, nullptr);
    const bool entity = pattern == "/certificates/:certificates";
    for (auto& [method, endpoint] : r.methods) {
      Endpoint inner = endpoint;
      const bool rewrite_snis = entity && (method == "PUT" || method == "PATCH");
      endpoint = [inner, rewrite_snis](Api& a, Call& call) -> Response {
        std::optional<std::string> sni_name;
        if (auto refused = certificate_by_sni(a, call, sni_name)) return *refused;
        if (rewrite_snis) certificate_snis(call, sni_name);
        return inner(a, call);
      };
    }
  }
}

// upstreams.lua target_endpoint: a target by id or by its `target` text, within its upstream.
struct TargetLookup {
  std::optional<Value> upstream, target;
  std::optional<Response> refused;
};

TargetLookup find_target(Api& a, Call& call) {
  auto upstream = select_by_key(a.db()["upstreams"], call.params[0], read_options());
  if (!upstream) return {.refused = error_response(a, upstream.error())};
  if (!*upstream) return {.refused = not_found()};
  TargetLookup out{.upstream = **upstream};
  const Value upstream_id = *(*upstream)->find("id");
  const std::string& key = call.params[1];
  dao::DAO& targets = a.db()["targets"];
  if (is_valid_uuid(key)) {
    auto t = targets.select(Value::object({{"id", key}}), read_options());
    if (!t) return {.refused = error_response(a, t.error())};
    if (*t) out.target = **t;
  } else {
    const std::string with_port = key.find(':') == std::string::npos ? key + ":8000" : key;
    auto rows = targets.each_for("upstream", Value::object({{"id", upstream_id}}), {}, read_options());
    while (true) {
      auto row = rows.next();
      if (!row) return {.refused = error_response(a, row.error())};
      if (!*row) break;
      const Value* text = (*row)->find("target");
      if (text && text->is_string() && (text->as_string() == key || text->as_string() == with_port)) {
        out.target = **row;
        break;
      }
    }
  }
  if (out.target) {
    const Value* up = out.target->find("upstream");
    const Value* id = up ? up->find("id") : nullptr;
    if (!id || !(*id == upstream_id)) out.target.reset();
  }
  return out;
}

void add_target_routes(Api& api) {
  const Schema* targets = api.registry().get("targets");
  if (!targets) return;
  // Targets are reached through their upstream only.
  api.remove_route("/targets");
  api.remove_route("/targets/:targets");
  api.remove_route("/targets/:targets/upstream");
  Route& r = api.route("/upstreams/:upstreams/targets/:targets", targets);
  r.methods["GET"] = [](Api& a, Call& call) -> Response {
    TargetLookup t = find_target(a, call);
    if (t.refused) return *t.refused;
    if (!t.target) return not_found();
    return json_response(200, *t.target);
  };
  // PUT on a missing target with a UUID creates it (decK's create-with-id); PATCH updates.
  for (const char* method : {"PUT", "PATCH"}) {
    const bool put = std::string_view(method) == "PUT";
    r.methods[method] = [put](Api& a, Call& call) -> Response {
      TargetLookup t = find_target(a, call);
      if (t.refused) return *t.refused;
      dao::DAO& dao = a.db()["targets"];
      const bool create = !t.target && put && is_valid_uuid(call.params[1]);
      if (!t.target && !create) return not_found();
      call.post_args.as_object().set("upstream", Value::object({{"id", *t.upstream->find("id")}}));
      auto opts = extract_options(call.post_args, dao.schema(), put ? "upsert" : "update");
      if (!opts) return error_response(a, opts.error());
      const Value pk = Value::object({{"id", t.target ? *t.target->find("id") : Value(call.params[1])}});
      auto saved = put ? dao.upsert(pk, call.post_args, *opts) : dao.update(pk, call.post_args, *opts);
      if (!saved) return error_response(a, saved.error());
      return json_response(200, *saved);
    };
  }
  r.methods["DELETE"] = [](Api& a, Call& call) -> Response {
    TargetLookup t = find_target(a, call);
    if (t.refused) return *t.refused;
    if (!t.target) return not_found();
    auto removed = a.db()["targets"].remove(Value::object({{"id", *t.target->find("id")}}));
    if (!removed) return error_response(a, removed.error());
    return no_content();
  };
}

// /upstreams/{u}/health: kongdb runs no balancer and no health checker, so every target reports
// Kong's HEALTHCHECKS_OFF, with its host:port as the one address.
void add_upstream_health(Api& api) {
  const Schema* upstreams = api.registry().get("upstreams");
  if (!upstreams || !api.registry().get("targets")) return;
  Route& health = api.route("/upstreams/:upstreams/health", upstreams);
  const Value health_state = Value::object({{"type", "string"}, {"enum", Value::array({"HEALTHCHECKS_OFF"})}});
  const Value target_health = Value::object(
      {{"allOf", Value::array({Value::object({{"$ref", "#/components/schemas/targets"}}),
                               Value::object({{"type", "object"},
                                              {"properties", Value::object({{"health", health_state},
                                                                            {"data", Value::object({{"type", "object"}})}})}})})}});
  const Value balancer_health = Value::object(
      {{"type", "object"},
       {"properties", Value::object({{"health", health_state}, {"id", Value::object({{"type", "string"}})}})}});
  health.get_response_schema = Value::object(
      {{"type", "object"},
       {"properties",
        Value::object({{"data", Value::object({{"oneOf", Value::array({Value::object({{"type", "array"}, {"items", target_health}}),
                                                                       balancer_health})}})},
                       {"next", Value::object({{"type", "string"}, {"nullable", true}})},
                       {"offset", Value::object({{"type", "string"}})},
                       {"node_id", Value::object({{"type", "string"}})}})}});
  health.methods["GET"] = [](Api& a, Call& call) -> Response {
    auto upstream = select_by_key(a.db()["upstreams"], call.params[0], read_options());
    if (!upstream) return error_response(a, upstream.error());
    if (!*upstream) return not_found();
    const Value node_id = a.shared().options.node_id;
    const Value* bh = call.uri_args.find("balancer_health");
    if (bh && ((bh->is_string() && bh->as_string() == "1") || (bh->is_integer() && bh->as_integer() == 1))) {
      return json_response(200, Value::object({{"data", Value::object({{"health", "HEALTHCHECKS_OFF"},
                                                                        {"id", *(*upstream)->find("id")}})},
                                               {"next", Value()},
                                               {"node_id", node_id}}));
    }
    Value args = call.uri_args;
    auto size = page_size(args);
    if (!size) return error_response(a, size.error());
    std::optional<std::string> offset;
    if (const Value* o = args.find("offset"); o && o->is_string()) offset = o->as_string();
    auto page = a.db()["targets"].page_for("upstream", upstreams_pk(**upstream), *size, offset, read_options());
    if (!page) return error_response(a, page.error());
    Value data = Value::array();
    for (Value row : page->rows) {
      const Value* target = row.find("target");
      Value addresses = Value::array();
      if (target && target->is_string()) {
        const std::string& t = target->as_string();
        const size_t colon = t.rfind(':');
        long long port = 0;
        if (colon != std::string::npos) port = std::atoll(t.c_str() + colon + 1);
        addresses.as_array().push_back(Value::object({{"ip", t.substr(0, colon)},
                                                      {"port", port},
                                                      {"health", "HEALTHCHECKS_OFF"},
                                                      {"weight", row.find("weight") ? *row.find("weight") : Value()}}));
      }
      row.as_object().set("health", "HEALTHCHECKS_OFF");
      row.as_object().set("data", Value::object({{"addresses", std::move(addresses)}}));
      data.as_array().push_back(std::move(row));
    }
    Value body = Value::object({{"data", std::move(data)}});
    if (page->offset) {
      body.as_object().set("offset", *page->offset);
      body.as_object().set("next", "/upstreams/" + escape_uri(call.params[0]) + "/health?offset=" + escape_uri(*page->offset));
    } else {
      body.as_object().set("next", Value());
    }
    body.as_object().set("node_id", node_id);
    return json_response(200, body);
  };
}

// acl api.lua: /consumers/{c}/acls/{group} addresses the consumer's ACL of that group through
// the (consumer, group) cache key; PUT on a group the consumer is not in creates it.
void add_acl_by_group(Api& api) {
  const Schema* acls = api.registry().get("acls");
  if (!acls) return;
  Route& r = api.route("/consumers/:consumers/acls/:acls", acls);
  for (auto& [method, endpoint] : r.methods) {
    Endpoint inner = endpoint;
    const bool put = method == "PUT";
    endpoint = [inner, put](Api& a, Call& call) -> Response {
      const std::string group = call.params[1];
      if (is_valid_uuid(group)) return inner(a, call);
      std::string consumer_id = call.params[0];
      if (!is_valid_uuid(consumer_id)) {
        auto consumer = select_by_key(a.db()["consumers"], consumer_id, read_options());
        if (!consumer) return error_response(a, consumer.error());
        if (!*consumer) return not_found();
        consumer_id = (*consumer)->find("id")->as_string();
      }
      dao::DAO& dao = a.db()["acls"];
      auto acl = dao.select_by_cache_key(Value(dao.cache_key({Value(consumer_id), Value(group)})), read_options());
      if (!acl) return error_response(a, acl.error());
      if (*acl) {
        call.params[1] = (*acl)->find("id")->as_string();
      } else if (!put) {
        return not_found();
      } else {
        call.params[1] = a.db().ids().uuid();
      }
      if (put && !call.post_args.find("group")) call.post_args.as_object().set("group", group);
      return inner(a, call);
    };
  }
}

}  // namespace

void add_special_entity_routes(Api& api) {
  add_acl_by_group(api);
  add_upstream_health(api);
  add_consumer_search(api);
  add_plugin_form_patch(api);
  add_certificate_keys(api);
  add_target_routes(api);
}

}  // namespace kongdb::admin::api
