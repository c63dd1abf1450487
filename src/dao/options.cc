// Port of kong/db/dao/init.lua get_pagination_options and validate_options_value.
#include "dao/options.h"

#include <cmath>

#include "kongdb/core/ids.h"

namespace kongdb::dao {
namespace {

bool is_integral(const Value& v) {
  if (v.is_integer()) return true;
  return v.is_float() && std::isfinite(v.as_number()) && std::floor(v.as_number()) == v.as_number();
}

// Kong's tag filter pattern: printable ASCII except ',' and '/', or UTF-8 lead/continuation bytes.
bool valid_tag_bytes(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    bool ok = c == ' ' || (c >= 33 && c <= 43) || c == 45 || c == 46 || (c >= 48 && c <= 126) ||
              (c >= 128 && c <= 244);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<ParsedOptions> parse_options(const schema::Schema& schema, const Value& raw,
                                    const WorkspaceResolver& resolve_workspace, int64_t default_page_size,
                                    int64_t default_max_page_size) {
  ParsedOptions o;
  o.page_size = default_page_size;
  o.max_page_size = default_max_page_size;
  if (raw.is_null()) return o;
  if (!raw.is_object()) {
    return errors::invalid_options(Value::object({{"options", "must be a table when specified"}}));
  }
  Object errs;
  auto bool_option = [&](const char* name, bool& target) {
    if (const Value* v = raw.find(name); v && !v->is_null()) {
      if (v->is_boolean()) {
        target = v->as_boolean();
      } else {
        errs.set(name, Value("must be a boolean"));
      }
    }
  };

  if (const Value* ws = raw.find("workspace")) {
    if (ws->is_null()) {
      o.all_workspaces = true;
    } else if (ws->is_string()) {
      if (is_valid_uuid(ws->as_string())) {
        o.ws_id = ws->as_string();
      } else if (auto id = resolve_workspace ? resolve_workspace(ws->as_string()) : std::nullopt) {
        o.ws_id = *id;
      } else {
        errs.set("workspace", Value("invalid workspace"));
      }
    } else if (!(ws->is_boolean() && !ws->as_boolean())) {
      errs.set("workspace", Value("must be a string or null"));
    }
  }
  bool_option("show_ws_id", o.show_ws_id);
  bool_option("nulls", o.nulls);
  bool_option("no_broadcast_crud_event", o.no_broadcast);

  if (const Value* ttl = raw.find("ttl"); ttl && !ttl->is_null()) {
    if (!schema.ttl) {
      errs.set("ttl", Value("cannot be used with '" + schema.name + "'"));
    } else if (!ttl->is_number() || !is_integral(*ttl) || ttl->as_number() < 0 ||
               ttl->as_number() > 100000000) {
      errs.set("ttl", Value("must be an integer between 0 and 100000000"));
    } else {
      o.ttl = static_cast<int64_t>(ttl->as_number());
    }
  }

  const Value* tags = raw.find("tags");
  const Value* cond = raw.find("tags_cond");
  // Present means not nil: ngx.null (from Lua) is a value here, as in Kong, and no table.
  if (tags) {
    if (!schema.field("tags")) {
      errs.set("tags", Value("cannot be used with '" + schema.name + "'"));
    } else if (!tags->is_array()) {
      errs.set("tags", Value(cond ? "must be a table" : "invalid filter syntax"));
    } else if (tags->as_array().size() > 5) {
      errs.set("tags", Value("cannot query more than 5 tags"));
    } else {
      std::string joined;
      bool all_strings = true;
      for (const Value& t : tags->as_array()) {
        if (!t.is_string()) all_strings = false;
        joined += t.to_lua_string();
      }
      bool has_cond = cond && cond->is_string() && (cond->as_string() == "and" || cond->as_string() == "or");
      if (!all_strings || !valid_tag_bytes(joined)) {
        errs.set("tags", Value("must only contain printable ascii (except `,` and `/`) or valid utf-8"));
      } else if (tags->as_array().size() > 1 && !has_cond) {
        errs.set("tags_cond", Value("must be a either 'and' or 'or' when more than one tag is specified"));
      } else {
        strategy::TagsFilter f;
        for (const Value& t : tags->as_array()) f.tags.push_back(t.as_string());
        f.cond = (has_cond && cond->as_string() == "and") ? strategy::TagsCond::And : strategy::TagsCond::Or;
        o.tags = std::move(f);
      }
    }
  }

  if (const Value* p = raw.find("pagination"); p && !p->is_null()) {
    if (!p->is_object()) {
      errs.set("pagination", Value("must be a table"));
    } else {
      Object perrs;
      int64_t max = default_max_page_size;
      if (const Value* m = p->find("max_page_size"); m && !m->is_null()) {
        if (!m->is_number()) {
          perrs.set("max_page_size", Value("must be a number"));
        } else if (!is_integral(*m) || m->as_number() < 1) {
          perrs.set("max_page_size", Value("must be an integer greater than 0"));
        } else {
          max = static_cast<int64_t>(m->as_number());
        }
      }
      o.max_page_size = max;
      if (const Value* s = p->find("page_size"); s && !s->is_null()) {
        if (!s->is_number()) {
          perrs.set("page_size", Value("must be a number"));
        } else if (!is_integral(*s) || s->as_number() < 1 || s->as_number() > static_cast<double>(max)) {
          perrs.set("page_size", Value("must be an integer between 1 and " + std::to_string(max)));
        } else {
          o.page_size = static_cast<int64_t>(s->as_number());
        }
      }
      if (!perrs.empty()) errs.set("pagination", Value(std::move(perrs)));
    }
  }

  bool_option("transform", o.transform);
  bool_option("export", o.export_);
  bool_option("skip_ttl", o.skip_ttl);

  if (!errs.empty()) return errors::invalid_options(Value(std::move(errs)));
  return o;
}

}  // namespace kongdb::dao
