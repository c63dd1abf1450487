// The endpoints Kong generates for every entity (kong/api/endpoints.lua): collections, entities
// by primary key or endpoint key, parent accessors, nested collections and nested entities.
#include <cmath>
#include <cstdlib>

#include "admin/api/api_internal.h"
#include "kongdb/core/ids.h"

namespace kongdb::admin::api {

using schema::Schema;

namespace {

const std::string& pk_field(const Schema& s) {
  static const std::string kId = "id";
  return s.primary_key.empty() ? kId : s.primary_key.front();
}

Value base_options() {
  return Value::object({{"nulls", true},
                        {"pagination", Value::object({{"page_size", 100}, {"max_page_size", 1000}})}});
}

// Kong's tag bytes: printable ASCII except ',' and '/', plus the non-ASCII UTF-8 lead/continuation
// bytes 0x80-0xF4.
bool is_tag_byte(unsigned char c) {
  return (c >= 0x20 && c <= 0x7E && c != ',' && c != '/') || (c >= 0x80 && c <= 0xF4);
}

// ^([tag bytes]+(?:SEP|$))+$
bool is_tag_list(std::string_view s, char sep) {
  size_t i = 0;
  if (s.empty()) return false;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && is_tag_byte(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i) return false;
    if (j == s.size()) return true;
    if (s[j] != sep) return false;
    i = j + 1;
  }
  return true;
}

Value split_tags(std::string_view s, char sep) {
  Value out = Value::array();
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.as_array().emplace_back(std::string(s.substr(start, p == std::string_view::npos ? p : p - start)));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

// A query argument as one string: the first of repeated ones, the only element of an inferred
// one-element set.
std::optional<std::string> first_string(const Value* v) {
  if (!v) return std::nullopt;
  if (v->is_string()) return v->as_string();
  if (v->is_array() && !v->as_array().empty() && v->as_array().front().is_string()) {
    return v->as_array().front().as_string();
  }
  return std::nullopt;
}

Value key_value(const Schema& s, const std::string& key) {
  return Value::object({{pk_field(s), key}});
}

// How a URL key addresses an entity: by primary key (a UUID, or any value when the entity has
// no endpoint key, which then fails as Kong's invalid primary key), else by the endpoint key.
struct Address {
  std::optional<std::string> by_field;  // the endpoint key; unset = by primary key
  Value value;
};

Address address_of(const Schema& s, const std::string& key) {
  if (is_valid_uuid(key) || !s.endpoint_key) return {std::nullopt, key_value(s, key)};
  const schema::Field* f = s.field(*s.endpoint_key);
  return {s.endpoint_key, f ? infer_value(Value(key), *f) : Value(key)};
}

bool same_pk(const Schema& parent, const Value& fk, const Value& parent_entity) {
  if (!fk.is_object()) return false;
  for (const std::string& k : parent.primary_key) {
    const Value* a = fk.find(k);
    const Value* b = parent_entity.find(k);
    if (!a || !b || !(*a == *b)) return false;
  }
  return true;
}

dao::DAO& dao_of(Api& api, const Schema& s) { return api.db()[s.name]; }

Result<Value> upsert_at(dao::DAO& dao, const Address& a, const Value& args, const Value& opts) {
  return a.by_field ? dao.upsert_by(*a.by_field, a.value, args, opts) : dao.upsert(a.value, args, opts);
}
Result<Value> update_at(dao::DAO& dao, const Address& a, const Value& args, const Value& opts) {
  return a.by_field ? dao.update_by(*a.by_field, a.value, args, opts) : dao.update(a.value, args, opts);
}
Result<bool> remove_at(dao::DAO& dao, const Address& a, const Value& opts) {
  return a.by_field ? dao.remove_by(*a.by_field, a.value, opts) : dao.remove(a.value, opts);
}

// The offset argument; a repeated one is refused like a malformed offset.
Result<std::optional<std::string>> offset_arg(const Value& args) {
  const Value* o = args.find("offset");
  if (!o || o->is_null()) return std::nullopt;
  if (!o->is_string()) return tl::unexpected(errors::invalid_offset("", "must be a string"));
  return o->as_string();
}

}  // namespace

Result<Value> extract_options(Value& args, const Schema& schema, std::string_view context) {
  Value opts = base_options();
  if (!args.is_object()) return opts;
  const bool writing = context == "insert" || context == "update" || context == "upsert";
  if (schema.ttl && writing) {
    if (const Value* ttl = args.find("ttl")) {
      opts.as_object().set("ttl", *ttl);
      args.as_object().erase("ttl");
    }
  }
  if (context == "page" && schema.field("tags")) {
    if (const Value* tags = args.find("tags")) {
      const bool empty = tags->is_null() || (tags->is_string() && tags->as_string().empty()) ||
                         (tags->is_array() && tags->as_array().empty());
      if (empty) return tl::unexpected(errors::invalid_options(Value::object({{"tags", "cannot be null"}})));
      const std::string t = first_string(tags).value_or("");
      if (is_tag_list(t, ',')) {
        opts.as_object().set("tags_cond", "and");
        opts.as_object().set("tags", split_tags(t, ','));
      } else if (is_tag_list(t, '/')) {
        opts.as_object().set("tags_cond", "or");
        opts.as_object().set("tags", split_tags(t, '/'));
      } else {
        opts.as_object().set("tags", t);  // the DAO reports the filter as invalid
      }
      args.as_object().erase("tags");
    }
  }
  return opts;
}

Result<std::optional<Value>> select_by_key(dao::DAO& dao, const std::string& key, const Value& options) {
  const Address a = address_of(dao.schema(), key);
  return a.by_field ? dao.select_by(*a.by_field, a.value, options) : dao.select(a.value, options);
}

Result<std::optional<int64_t>> page_size(const Value& args) {
  const Value* v = args.find("size");
  if (!v) return std::nullopt;
  const auto bad_number = [] { return tl::unexpected(errors::invalid_size("size must be a number")); };
  const auto bad_range = [] {
    return tl::unexpected(errors::invalid_size("size must be an integer between 1 and 1000"));
  };
  double d = 0;
  if (v->is_number()) {
    d = v->as_number();
  } else if (v->is_string()) {
    const std::string& s = v->as_string();
    if (s.find_first_of("iInN") != std::string::npos) return bad_number();  // no inf/nan
    const char* begin = s.c_str();
    char* end = nullptr;
    d = std::strtod(begin, &end);
    while (end && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) ++end;
    if (end == begin || *end != '\0' || s.empty()) return bad_number();
  } else {
    return bad_number();
  }
  if (d != std::floor(d) || d < 1 || d > 1000) return bad_range();
  return static_cast<int64_t>(d);
}

Response page_response(Api& api, const Result<dao::Page>& page, const std::string& next_prefix,
                       const std::string& next_suffix) {
  if (!page) return error_response(api, page.error());
  Value data = Value::array();
  data.as_array() = page->rows;
  Value body = Value::object({{"data", std::move(data)}});
  if (page->offset) {
    body.as_object().set("next", next_prefix + escape_uri(*page->offset) + next_suffix);
    body.as_object().set("offset", *page->offset);
  } else {
    body.as_object().set("next", Value());
  }
  return json_response(200, body);
}

void add_collection_endpoints(Route& route, const Schema& schema, const Schema* parent,
                              const std::string& fk_field) {
  const Schema* s = &schema;
  if (!parent) {
    route.methods["GET"] = [s](Api& api, Call& call) -> Response {
      Value args = call.uri_args;
      std::string suffix;
      if (auto t = first_string(args.find("tags"))) suffix += "&tags=" + escape_uri(*t);
      if (auto z = first_string(args.find("size"))) suffix += "&size=" + *z;
      auto opts = extract_options(args, *s, "page");
      if (!opts) return error_response(api, opts.error());
      auto size = page_size(args);
      if (!size) return error_response(api, size.error());
      auto offset = offset_arg(args);
      if (!offset) return error_response(api, offset.error());
      const std::string prefix = "/" + s->admin_api_name.value_or(s->name) + "?offset=";
      return page_response(api, dao_of(api, *s).page(*size, *offset, *opts), prefix, suffix);
    };
    route.methods["POST"] = [s](Api& api, Call& call) -> Response {
      auto opts = extract_options(call.post_args, *s, "insert");
      if (!opts) return error_response(api, opts.error());
      auto created = dao_of(api, *s).insert(call.post_args, *opts);
      if (!created) return error_response(api, created.error());
      return json_response(201, *created);
    };
    return;
  }
  const Schema* p = parent;
  const std::string fk = fk_field;
  route.methods["GET"] = [s, p, fk](Api& api, Call& call) -> Response {
    Value args = call.uri_args;
    auto owner = select_by_key(dao_of(api, *p), call.params[0], base_options());
    if (!owner) return error_response(api, owner.error());
    if (!*owner) return not_found();
    auto opts = extract_options(args, *s, "page");
    if (!opts) return error_response(api, opts.error());
    auto size = page_size(args);
    if (!size) return error_response(api, size.error());
    auto offset = offset_arg(args);
    if (!offset) return error_response(api, offset.error());
    const Value pk = p->extract_pk_values(**owner);
    const std::string prefix = "/" + p->admin_api_name.value_or(p->name) + "/" +
                               escape_uri(call.params[0]) + "/" +
                               s->admin_api_nested_name.value_or(s->admin_api_name.value_or(s->name)) +
                               "?offset=";
    return page_response(api, dao_of(api, *s).page_for(fk, pk, *size, *offset, *opts), prefix, "");
  };
  route.methods["POST"] = [s, p, fk](Api& api, Call& call) -> Response {
    auto owner = select_by_key(dao_of(api, *p), call.params[0], base_options());
    if (!owner) return error_response(api, owner.error());
    if (!*owner) return not_found();
    call.post_args.as_object().set(fk, p->extract_pk_values(**owner));
    auto opts = extract_options(call.post_args, *s, "insert");
    if (!opts) return error_response(api, opts.error());
    auto created = dao_of(api, *s).insert(call.post_args, *opts);
    if (!created) return error_response(api, created.error());
    return json_response(201, *created);
  };
}

void add_entity_endpoints(Route& route, const Schema& target, const Schema* owner,
                          const std::string& fk_field, bool parent_accessor) {
  const Schema* t = &target;
  if (!owner) {
    route.methods["GET"] = [t](Api& api, Call& call) -> Response {
      auto found = select_by_key(dao_of(api, *t), call.params[0], base_options());
      if (!found) return error_response(api, found.error());
      if (!*found) return not_found();
      return json_response(200, **found);
    };
    route.methods["PUT"] = [t](Api& api, Call& call) -> Response {
      auto opts = extract_options(call.post_args, *t, "upsert");
      if (!opts) return error_response(api, opts.error());
      auto saved = upsert_at(dao_of(api, *t), address_of(*t, call.params[0]), call.post_args, *opts);
      if (!saved) return error_response(api, saved.error());
      return json_response(200, *saved);
    };
    route.methods["PATCH"] = [t](Api& api, Call& call) -> Response {
      auto opts = extract_options(call.post_args, *t, "update");
      if (!opts) return error_response(api, opts.error());
      auto saved = update_at(dao_of(api, *t), address_of(*t, call.params[0]), call.post_args, *opts);
      if (!saved) return error_response(api, saved.error());
      return json_response(200, *saved);
    };
    route.methods["DELETE"] = [t](Api& api, Call& call) -> Response {
      auto removed = remove_at(dao_of(api, *t), address_of(*t, call.params[0]), base_options());
      if (!removed) return error_response(api, removed.error());
      return no_content();
    };
    return;
  }

  const Schema* o = owner;
  const std::string fk = fk_field;
  if (parent_accessor) {
    // /routes/{route}/service: `o` is routes, `t` is services, `fk` is routes.service.
    route.methods["GET"] = [t, o, fk](Api& api, Call& call) -> Response {
      auto from = select_by_key(dao_of(api, *o), call.params[0], base_options());
      if (!from) return error_response(api, from.error());
      if (!*from) return not_found();
      const Value* ref = (*from)->find(fk);
      if (!ref || ref->is_null()) return not_found();
      auto found = dao_of(api, *t).select(*ref, base_options());
      if (!found) return error_response(api, found.error());
      if (!*found) return not_found();
      return json_response(200, **found);
    };
    route.methods["PUT"] = [t, o, fk](Api& api, Call& call) -> Response {
      auto from = select_by_key(dao_of(api, *o), call.params[0], base_options());
      if (!from) return error_response(api, from.error());
      if (!*from) return not_found();
      const Value* ref = (*from)->find(fk);
      const bool associate = !ref || ref->is_null();
      const Value pk = associate ? key_value(*t, api.db().ids().uuid()) : *ref;
      auto opts = extract_options(call.post_args, *t, "upsert");
      if (!opts) return error_response(api, opts.error());
      auto saved = dao_of(api, *t).upsert(pk, call.post_args, *opts);
      if (!saved) return error_response(api, saved.error());
      if (associate) {
        auto linked = dao_of(api, *o).update(o->extract_pk_values(**from),
                                             Value::object({{fk, t->extract_pk_values(*saved)}}));
        if (!linked) return error_response(api, linked.error());
      }
      return json_response(200, *saved);
    };
    route.methods["PATCH"] = [t, o, fk](Api& api, Call& call) -> Response {
      auto from = select_by_key(dao_of(api, *o), call.params[0], base_options());
      if (!from) return error_response(api, from.error());
      if (!*from) return not_found();
      const Value* ref = (*from)->find(fk);
      if (!ref || ref->is_null()) return not_found();
      auto opts = extract_options(call.post_args, *t, "update");
      if (!opts) return error_response(api, opts.error());
      auto saved = dao_of(api, *t).update(*ref, call.post_args, *opts);
      if (!saved) return error_response(api, saved.error());
      return json_response(200, *saved);
    };
    route.methods["DELETE"] = [o, fk](Api& api, Call& call) -> Response {
      auto from = select_by_key(dao_of(api, *o), call.params[0], base_options());
      if (!from) return error_response(api, from.error());
      if (!*from) return not_found();
      const Value* ref = (*from)->find(fk);
      if (!ref || ref->is_null()) return not_found();
      return method_not_allowed();
    };
    return;
  }

  // /services/{service}/routes/{route}: `o` is services, `t` is routes, `fk` is routes.service.
  // Reads, updates and deletes answer 404 unless the entity belongs to the parent in the URL.
  struct Pair {
    std::optional<Value> owner, entity;
    std::optional<Response> refused;
  };
  auto load = [t, o, fk](Api& api, Call& call, bool need_entity) -> Pair {
    Pair out;
    auto from = select_by_key(dao_of(api, *o), call.params[0], base_options());
    if (!from) return {.refused = error_response(api, from.error())};
    if (!*from) return {.refused = not_found()};
    out.owner = **from;
    if (!need_entity) return out;
    auto found = select_by_key(dao_of(api, *t), call.params[1], base_options());
    if (!found) return {.refused = error_response(api, found.error())};
    if (!*found) return {.refused = not_found()};
    const Value* ref = (*found)->find(fk);
    if (!ref || !same_pk(*o, *ref, *out.owner)) return {.refused = not_found()};
    out.entity = **found;
    return out;
  };
  route.methods["GET"] = [load](Api& api, Call& call) -> Response {
    Pair p = load(api, call, true);
    if (p.refused) return *p.refused;
    return json_response(200, *p.entity);
  };
  route.methods["PUT"] = [t, o, fk, load](Api& api, Call& call) -> Response {
    Pair p = load(api, call, false);
    if (p.refused) return *p.refused;
    call.post_args.as_object().set(fk, o->extract_pk_values(*p.owner));
    auto opts = extract_options(call.post_args, *t, "upsert");
    if (!opts) return error_response(api, opts.error());
    auto saved = upsert_at(dao_of(api, *t), address_of(*t, call.params[1]), call.post_args, *opts);
    if (!saved) return error_response(api, saved.error());
    return json_response(200, *saved);
  };
  route.methods["PATCH"] = [t, o, fk, load](Api& api, Call& call) -> Response {
    Pair p = load(api, call, true);
    if (p.refused) return *p.refused;
    if (!call.post_args.find(fk)) call.post_args.as_object().set(fk, o->extract_pk_values(*p.owner));
    auto opts = extract_options(call.post_args, *t, "update");
    if (!opts) return error_response(api, opts.error());
    auto saved = update_at(dao_of(api, *t), address_of(*t, call.params[1]), call.post_args, *opts);
    if (!saved) return error_response(api, saved.error());
    return json_response(200, *saved);
  };
  route.methods["DELETE"] = [t, load](Api& api, Call& call) -> Response {
    Pair p = load(api, call, true);
    if (p.refused) return *p.refused;
    auto removed = remove_at(dao_of(api, *t), address_of(*t, call.params[1]), base_options());
    if (!removed) return error_response(api, removed.error());
    return no_content();
  };
}

}  // namespace kongdb::admin::api
