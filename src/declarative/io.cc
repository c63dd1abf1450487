// Flat entities into a DB (Kong's load_into_db) and a DB out as a declarative document
// (Kong's export_from_db), plus the YAML text of a document.
#include <yaml.h>

#include <cmath>
#include <optional>

#include "declarative/relations.h"
#include "declarative/yaml_scalars.h"
#include "kongdb/core/json.h"
#include "kongdb/dao/dao.h"
#include "kongdb/dao/db.h"
#include "kongdb/declarative/declarative.h"

namespace kongdb::declarative {
namespace {

// A write that a backend without transactions must be able to take back.
struct Undo {
  dao::DAO* dao;
  Value pk;
  std::optional<Value> before;
};

Error naming_entity(Error e, const std::string& entity, const Value& pk) {
  e.message = "failed importing '" + entity + "' entity " + json::encode(pk) + ": " + e.message;
  return e;
}

Result<void> take_back(std::vector<Undo>& journal) {
  for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
    if (it->before) {
      if (auto r = it->dao->upsert(it->pk, *it->before); !r) return r.error();
    } else {
      if (auto r = it->dao->remove(it->pk); !r) return r.error();
    }
  }
  return {};
}

// Without native unique constraints (memory), a value the database already holds under another
// row is found before anything is written, so the usual refusal changes nothing at all; the
// journal only has to cover failures nobody could foresee.
Result<void> check_uniques_before_writing(dao::DB& db, const Entities& entities) {
  for (const Collection& collection : entities.collections) {
    dao::DAO* dao = db.dao(collection.schema->name);
    if (!dao) continue;
    for (const Value& row : collection.rows) {
      const Value pk = collection.schema->extract_pk_values(row);
      auto held_by_another = [&](const Result<std::optional<Value>>& found) -> bool {
        return found && *found && collection.schema->extract_pk_values(**found) != pk;
      };
      for (const auto& [name, f] : collection.schema->fields) {
        if (!dao->is_unique_field(name)) continue;
        const Value* v = row.find(name);
        if (!v || v->is_null() || f.type() == schema::FieldType::Foreign) continue;
        auto found = dao->select_by(name, *v);
        if (!found) return naming_entity(found.error(), collection.schema->name, pk);
        if (held_by_another(found)) {
          Error e = errors::unique_violation(Value::object({{name, *v}}));
          e.strategy = std::string(db.strategy_name());
          return naming_entity(std::move(e), collection.schema->name, pk);
        }
      }
      if (collection.schema->cache_key.size() > 1) {
        auto found = dao->select_by_cache_key(row);
        if (!found) return naming_entity(found.error(), collection.schema->name, pk);
        if (held_by_another(found)) {
          Error e = errors::unique_violation(Value::object({{"cache_key", dao->cache_key(row)}}));
          e.strategy = std::string(db.strategy_name());
          return naming_entity(std::move(e), collection.schema->name, pk);
        }
      }
    }
  }
  return {};
}

}  // namespace

Result<size_t> load_into_db(dao::DB& db, const Entities& entities, const ImportOptions& options) {
  const size_t total = entities.count();
  const Value* transform = entities.meta.find("_transform");
  const Value write_options =
      Value::object({{"transform", transform && transform->is_boolean() ? transform->as_boolean() : true}});
  const bool journaling = !db.connector().capabilities().transactions;
  if (!db.connector().capabilities().unique_constraints) {
    if (auto r = check_uniques_before_writing(db, entities); !r) return r.error();
  }
  std::vector<Undo> journal;
  size_t written = 0;
  auto write_all = [&]() -> Result<void> {
    for (const Collection& collection : entities.collections) {
      dao::DAO* dao = db.dao(collection.schema->name);
      if (!dao) return errors::declarative_config(Value::object({{"error", "unknown entity: " + collection.schema->name}}));
      for (const Value& row : collection.rows) {
        Value pk = collection.schema->extract_pk_values(row);
        if (journaling) {
          auto before = dao->select(pk);
          if (!before) return naming_entity(before.error(), collection.schema->name, pk);
          journal.push_back(Undo{dao, pk, *before});
        }
        if (auto r = dao->upsert(pk, row, write_options); !r) {
          return naming_entity(r.error(), collection.schema->name, pk);
        }
        ++written;
        if (options.progress) options.progress(written, total);
      }
    }
    return {};
  };
  auto result = db.connector().transaction(write_all);
  if (!result) {
    if (journaling) {
      if (auto undone = take_back(journal); !undone) {
        Error e = result.error();
        e.message += " (and restoring the previous state failed: " + undone.error().message + ")";
        return e;
      }
    }
    return result.error();
  }
  return written;
}

Result<Value> export_from_db(dao::DB& db, const ExportOptions& options) {
  Relations relations(db.registry());
  Object out;
  out.append("_format_version", Value("3.0"));
  out.append("_transform", Value(false));
  // Every workspace, explicit nulls (Kong's GLOBAL_QUERY_OPTS).
  const Value read_options = Value::object({{"nulls", true}, {"workspace", Value()}});
  size_t read = 0;
  for (const schema::Schema* s : relations.known()) {
    // The default workspace exists in every database; Kong leaves workspaces out.
    if (s->name == "workspaces") continue;
    dao::DAO* dao = db.dao(s->name);
    if (!dao) continue;
    std::vector<std::string> foreign_fields;
    std::vector<std::string> transient_fields;
    for (const auto& [name, f] : s->fields) {
      if (f.type() == schema::FieldType::Foreign) foreign_fields.push_back(name);
      if (f.is(f.transient_)) transient_fields.push_back(name);
    }
    Array rows;
    auto it = dao->each_for_export(dao::kMaxPageSize, read_options);
    for (;;) {
      auto row = it.next();
      if (!row) return row.error();
      if (!*row) break;
      Value entity = std::move(**row);
      entity.as_object().erase("ws_id");
      // Transient fields are views of other rows (a certificate's snis), exported as those rows.
      for (const std::string& name : transient_fields) entity.as_object().erase(name);
      for (const std::string& name : foreign_fields) {
        Value* fk = entity.find(name);
        if (fk && fk->is_object() && fk->find("id")) *fk = Value(*fk->find("id"));
      }
      rows.push_back(std::move(entity));
      ++read;
      if (options.progress) options.progress(read);
    }
    if (!rows.empty()) out.append(s->name, Value(std::move(rows)));
  }
  return Value(std::move(out));
}

namespace {

// A plain scalar that YAML would read back as something other than this string is quoted.
bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  const Value plain = resolve_plain_scalar(s);
  return !plain.is_string();
}

class Emitter {
 public:
  Emitter() {
    yaml_emitter_initialize(&emitter_);
    yaml_emitter_set_output(&emitter_, &Emitter::write, &out_);
    yaml_emitter_set_unicode(&emitter_, 1);
    yaml_emitter_set_width(&emitter_, -1);
  }
  ~Emitter() { yaml_emitter_delete(&emitter_); }
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  Result<std::string> run(const Value& document) {
    yaml_event_t e;
    yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
    if (!emit(e)) return failure();
    yaml_document_start_event_initialize(&e, nullptr, nullptr, nullptr, 1);
    if (!emit(e)) return failure();
    if (!node(document)) return failure();
    yaml_document_end_event_initialize(&e, 1);
    if (!emit(e)) return failure();
    yaml_stream_end_event_initialize(&e);
    if (!emit(e)) return failure();
    return std::move(out_);
  }

 private:
  static int write(void* data, unsigned char* buffer, size_t size) {
    static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
    return 1;
  }

  bool emit(yaml_event_t& e) { return yaml_emitter_emit(&emitter_, &e) != 0; }

  Error failure() const {
    return errors::database_error(std::string("cannot write YAML: ") +
                                  (emitter_.problem ? emitter_.problem : "emitter error"));
  }

  bool scalar(const std::string& text, yaml_scalar_style_t style) {
    yaml_event_t e;
    yaml_scalar_event_initialize(&e, nullptr, nullptr,
                                 reinterpret_cast<yaml_char_t*>(const_cast<char*>(text.data())),
                                 static_cast<int>(text.size()), 1, 1, style);
    return emit(e);
  }

  bool string(const std::string& s) {
    // PEM certificates and keys read best as literal blocks (libyaml falls back when it cannot).
    if (s.find('\n') != std::string::npos) return scalar(s, YAML_LITERAL_SCALAR_STYLE);
    return scalar(s, needs_quotes(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
  }

  bool node(const Value& v) {
    yaml_event_t e;
    switch (v.kind()) {
      case Value::Kind::Null:
        return scalar("null", YAML_PLAIN_SCALAR_STYLE);
      case Value::Kind::Boolean:
        return scalar(v.as_boolean() ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
      case Value::Kind::Integer:
        return scalar(std::to_string(v.as_integer()), YAML_PLAIN_SCALAR_STYLE);
      case Value::Kind::Float: {
        const double d = v.as_number();
        if (std::isnan(d)) return scalar(".nan", YAML_PLAIN_SCALAR_STYLE);
        if (std::isinf(d)) return scalar(d > 0 ? ".inf" : "-.inf", YAML_PLAIN_SCALAR_STYLE);
        std::string text = json::encode(v);
        // YAML 1.1 reads "1e+20" as a string unless it has a dot.
        if (text.find_first_of(".eE") == std::string::npos || (text.find('.') == std::string::npos)) {
          const auto exp = text.find_first_of("eE");
          text = exp == std::string::npos ? text + ".0" : text.substr(0, exp) + ".0" + text.substr(exp);
        }
        return scalar(text, YAML_PLAIN_SCALAR_STYLE);
      }
      case Value::Kind::String:
        return string(v.as_string());
      case Value::Kind::Array:
        yaml_sequence_start_event_initialize(&e, nullptr, nullptr, 1,
                                             v.as_array().empty() ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
        if (!emit(e)) return false;
        for (const Value& item : v.as_array()) {
          if (!node(item)) return false;
        }
        yaml_sequence_end_event_initialize(&e);
        return emit(e);
      case Value::Kind::Object:
        yaml_mapping_start_event_initialize(&e, nullptr, nullptr, 1,
                                            v.as_object().empty() ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
        if (!emit(e)) return false;
        for (const auto& [key, item] : v.as_object()) {
          if (!string(key) || !node(item)) return false;
        }
        yaml_mapping_end_event_initialize(&e);
        return emit(e);
    }
    return false;
  }

  yaml_emitter_t emitter_;
  std::string out_;
};

}  // namespace

Result<std::string> to_yaml(const Value& document) {
  Emitter emitter;
  return emitter.run(document);
}

std::string example_file() {
  return R"(# A declarative configuration for kongdb, in Kong's format (YAML or JSON).
#
#   kongdb config parse kong.yml       checks it without touching the database
#   kongdb config db_import kong.yml   writes it into the configured database, all or nothing
#   kongdb config db_export out.yml    writes the database back out in this format
#
# Keys that start with "_" describe the file; every other key is a list of entities
# (services, routes, consumers, plugins, upstreams, targets, certificates, snis,
# ca_certificates, keyauth_credentials and the other plugin entities).

# Required: "3.0", or the older "2.1" and "1.1".
_format_version: "3.0"

# Optional, true unless said otherwise: whether values are transformed on the way in, as the
# Admin API would. Exports say false, since what they hold was transformed already.
#_transform: true

# An entity that points at another (a route at its service) can sit inside it, or stand on
# its own and name it by name or id. An entity without an id gets one; a service, route,
# consumer or upstream with a name gets the same id on every import of the file.

#services:
#- name: billing
#  url: http://billing.internal:8080
#  tags: [team-payments]
#  routes:                      # nested: these routes belong to "billing"
#  - name: billing-api
#    paths: [/billing]
#  plugins:
#  - name: key-auth

#routes:
#- name: billing-health
#  service: billing             # the same relation, by name
#  paths: [/billing/health]

#consumers:
#- username: alice
#  keyauth_credentials:         # plugin entities nest the same way
#  - key: alice-secret-key
#  plugins:
#  - name: rate-limiting
#    _comment: any entity may carry a _comment
#    config:
#      minute: 60
#      policy: local

# A plugin that applies to a consumer on one service names both, at the top level.
#plugins:
#- name: rate-limiting
#  consumer: alice
#  service: billing
#  config:
#    hour: 1000
)";
}

}  // namespace kongdb::declarative
