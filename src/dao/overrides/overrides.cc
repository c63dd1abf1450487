// Ports of kong/db/dao/{targets,certificates,plugins,ca_certificates,tags}.lua.
#include "dao/overrides/overrides.h"

#include <algorithm>
#include <set>

#include "kongdb/core/error.h"
#include "kongdb/dao/db.h"
#include "kongdb/dao/tags.h"
#include "kongdb/schema/targets.h"

namespace kongdb::dao {
namespace {

// Kong's tags DAO refuses every write with this schema violation.
Error tags_are_read_only() {
  return errors::schema_violation(
      Value::object({{"tags", "does not support insert/upsert/update/delete operations"}}));
}

bool contains_string(const Value& list, const std::string& s) {
  if (!list.is_array()) return false;
  for (const Value& v : list.as_array()) {
    if (v.is_string() && v.as_string() == s) return true;
  }
  return false;
}

// targets: `target` is stored normalised as host:port (default port 8000, IPv6 bracketed).
class TargetsDAO final : public DAO {
 public:
  using DAO::DAO;

 protected:
  Result<Value> before_write(Value entity, const Value*) override {
    Value* target = entity.find("target");
    if (target && target->is_string()) {
      auto normalised = schema::normalize_target(target->as_string());
      if (!normalised) {
        return errors::schema_violation(
            Value::object({{"target", "Invalid target; not a valid hostname or ip address"}}));
      }
      *target = Value(*normalised);
    }
    return entity;
  }
};

// plugins: a plugin's protocols must overlap those of its route (or of some route of its service).
class PluginsDAO final : public DAO {
 public:
  using DAO::DAO;

 protected:
  Result<Value> before_write(Value entity, const Value*) override {
    const Value* protocols = entity.find("protocols");
    if (!protocols || !protocols->is_array()) return entity;
    auto overlaps = [&](const Value& route) {
      const Value* rp = route.find("protocols");
      return std::any_of(protocols->as_array().begin(), protocols->as_array().end(),
                         [&](const Value& p) { return p.is_string() && rp && contains_string(*rp, p.as_string()); });
    };
    const Value* route = entity.find("route");
    const Value* service = entity.find("service");
    if (route && route->is_object()) {
      auto r = db_["routes"].select(*route);
      if (r && *r && !overlaps(**r)) {
        return errors::schema_violation(Value::object({{"protocols", "must match the associated route's protocols"}}));
      }
    } else if (service && service->is_object()) {
      bool any_route = false;
      RowIterator it = db_["routes"].each_for("service", *service);
      while (true) {
        auto row = it.next();
        if (!row) return row.error();
        if (!*row) break;
        any_route = true;
        if (overlaps(**row)) return entity;
      }
      if (any_route) {
        return errors::schema_violation(Value::object(
            {{"protocols", "must match the protocols of at least one route pointing to this Plugin's service"}}));
      }
    }
    return entity;
  }
};

// ca_certificates: refuse to delete one that a service still trusts.
class CaCertificatesDAO final : public DAO {
 public:
  using DAO::DAO;

 protected:
  Result<void> before_delete(const Value& entity) override {
    const Value* id = entity.find("id");
    if (!id || !id->is_string()) return {};
    RowIterator it = db_["services"].each({}, Value::object({{"workspace", Value()}}));
    while (true) {
      auto row = it.next();
      if (!row) return row.error();
      if (!*row) break;
      const Value* cas = (*row)->find("ca_certificates");
      if (cas && contains_string(*cas, id->as_string())) {
        return errors::referenced_by_others("ca certificate " + id->as_string() +
                                            " is still referenced by services (id = " +
                                            (*row)->find("id")->as_string() + ")");
      }
    }
    return {};
  }
};

// certificates: the transient `snis` list is kept as sni rows pointing at the certificate,
// and read back (sorted) on every certificate read. Not safe for concurrent writers of one DB
// object: the list travels from before_write to after_write through the DAO.
class CertificatesDAO final : public DAO {
 public:
  using DAO::DAO;

 protected:
  bool writes_related_rows() const override { return true; }

  Result<Value> before_write(Value entity, const Value* existing) override {
    pending_snis_.reset();
    const Value* snis = entity.find("snis");
    if (!snis || !snis->is_array()) return entity;
    const Value* id = existing && existing->find("id") ? existing->find("id") : entity.find("id");
    std::string own_id = id ? id->to_lua_string() : "";
    std::set<std::string> seen;
    Array names;
    for (const Value& v : snis->as_array()) {
      if (!v.is_string()) continue;
      if (!seen.insert(v.as_string()).second) {
        return errors::schema_violation(Value::object({{"snis", v.as_string() + " is duplicated"}}));
      }
      auto other = db_["snis"].select_by("name", v);
      if (!other) return other.error();
      if (*other) {
        const Value* cert = (*other)->find("certificate");
        std::string cert_id = cert && cert->find("id") ? cert->find("id")->as_string() : "";
        if (cert_id != own_id) {
          return errors::schema_violation(Value::object(
              {{"snis", v.as_string() + " already associated with existing certificate '" + cert_id + "'"}}));
        }
      }
      names.push_back(v);
    }
    std::sort(names.begin(), names.end(),
              [](const Value& a, const Value& b) { return a.as_string() < b.as_string(); });
    pending_snis_ = Value(std::move(names));
    return entity;
  }

  Result<void> after_write(Value& entity, const Value*) override {
    if (!pending_snis_) return {};
    Value names = std::move(*pending_snis_);
    pending_snis_.reset();
    if (auto r = sync_snis(*entity.find("id"), names); !r) return r;
    entity.as_object().set("snis", names);
    return {};
  }

  // Kong's certificates DAO deletes the certificate's SNIs first (they restrict the delete).
  Result<void> before_delete(const Value& entity) override {
    const Value* id = entity.find("id");
    if (!id) return {};
    DAO& snis = db_["snis"];
    std::vector<Value> rows;
    RowIterator it = snis.each_for("certificate", Value::object({{"id", *id}}), {},
                                   Value::object({{"workspace", Value()}}));
    while (true) {
      auto row = it.next();
      if (!row) return row.error();
      if (!*row) break;
      rows.push_back(std::move(**row));
    }
    for (const Value& row : rows) {
      if (auto r = snis.remove(snis.schema().extract_pk_values(row)); !r) return r.error();
    }
    return {};
  }

  Result<void> after_read(Value& entity) const override {
    const Value* id = entity.find("id");
    if (!id) return {};
    Array names;
    RowIterator it = db_["snis"].each_for("certificate", Value::object({{"id", *id}}), {},
                                          Value::object({{"workspace", Value()}}));
    while (true) {
      auto row = it.next();
      if (!row) return row.error();
      if (!*row) break;
      if (const Value* n = (*row)->find("name")) names.push_back(*n);
    }
    std::sort(names.begin(), names.end(),
              [](const Value& a, const Value& b) { return a.to_lua_string() < b.to_lua_string(); });
    entity.as_object().set("snis", Value(std::move(names)));
    return {};
  }

 private:
  // Makes the certificate's sni rows exactly `names`.
  Result<void> sync_snis(const Value& cert_id, const Value& names) {
    DAO& snis = db_["snis"];
    Value fk = Value::object({{"id", cert_id}});
    std::vector<Value> current;
    RowIterator it = snis.each_for("certificate", fk);
    while (true) {
      auto row = it.next();
      if (!row) return row.error();
      if (!*row) break;
      current.push_back(std::move(**row));
    }
    for (const Value& row : current) {
      const Value* n = row.find("name");
      if (n && !contains_string(names, n->as_string())) {
        if (auto r = snis.remove(row); !r) return r.error();
      }
    }
    for (const Value& n : names.as_array()) {
      bool exists = std::any_of(current.begin(), current.end(), [&](const Value& row) {
        const Value* rn = row.find("name");
        return rn && rn->is_string() && rn->as_string() == n.as_string();
      });
      if (exists) continue;
      if (auto r = snis.insert(Value::object({{"name", n}, {"certificate", fk}})); !r) return r.error();
    }
    return {};
  }

  std::optional<Value> pending_snis_;
};

}  // namespace

Result<Page> TagsDAO::page_by_tag(const std::string& tag, std::optional<int64_t> size,
                                  std::optional<std::string> offset, const Value& options) {
  return page_via(
      [&](int64_t n, strategy::QueryOptions q) {
        q.tags = strategy::TagsFilter{{tag}, strategy::TagsCond::Or};
        return strategy_->page(n, offset, q);
      },
      size, options, "tag", Value(tag));
}

Result<Value> TagsDAO::before_write(Value, const Value*) { return tags_are_read_only(); }
Result<void> TagsDAO::before_delete(const Value&) { return tags_are_read_only(); }

std::unique_ptr<DAO> make_dao(DB& db, const schema::Schema& schema, std::unique_ptr<strategy::Strategy> strategy) {
  if (schema.name == "tags") return std::make_unique<TagsDAO>(db, schema, std::move(strategy));
  if (schema.name == "targets") return std::make_unique<TargetsDAO>(db, schema, std::move(strategy));
  if (schema.name == "plugins") return std::make_unique<PluginsDAO>(db, schema, std::move(strategy));
  if (schema.name == "ca_certificates") return std::make_unique<CaCertificatesDAO>(db, schema, std::move(strategy));
  if (schema.name == "certificates") return std::make_unique<CertificatesDAO>(db, schema, std::move(strategy));
  return std::make_unique<DAO>(db, schema, std::move(strategy));
}

}  // namespace kongdb::dao
