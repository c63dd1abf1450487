#include "cli/commands.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "kongdb/app/open.h"
#include "kongdb/core/error.h"
#include "kongdb/core/ids.h"
#include "kongdb/core/json.h"
#include "kongdb/dao/dao.h"
#include "kongdb/dao/db.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/schema/registry.h"
#include "kongdb/schema/schema_json.h"
#include "kongdb/schema/validation.h"

namespace kongdb::cli {
namespace {

int fail(std::ostream& out, const Error& e) {
  out << json::encode_pretty(e.to_value()) << "\n";
  return 1;
}

int fail_message(std::ostream& out, const std::string& message) {
  out << json::encode_pretty(Value::object({{"message", message}})) << "\n";
  return 1;
}

// A sink for -q.
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return c; }
};

// --size as Kong's Admin API reads it: a number, then an integer within the DAO's bounds.
Result<int64_t> parse_size(const std::string& text) {
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    if (n < 1 || n > dao::kMaxPageSize) {
      return errors::invalid_size("size must be an integer between 1 and " +
                                  std::to_string(dao::kMaxPageSize));
    }
    return n;
  }
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || std::isnan(d)) {
    return errors::invalid_size("size must be a number");
  }
  return errors::invalid_size("size must be an integer between 1 and " + std::to_string(dao::kMaxPageSize));
}

// Kong's Admin API lookup of {entity}: a UUID selects by primary key (falling back to the
// endpoint key, for names that look like UUIDs); anything else goes by the endpoint key.
Result<std::optional<Value>> resolve(dao::DAO& dao, const std::string& key, const Value& options) {
  const schema::Schema& s = dao.schema();
  const std::string pk_field = s.primary_key.empty() ? "id" : s.primary_key.front();
  if (!s.endpoint_key || is_valid_uuid(key)) {
    auto row = dao.select(Value::object({{pk_field, key}}), options);
    if (!row || *row || !s.endpoint_key) return row;
  }
  return dao.select_by(*s.endpoint_key, key, options);
}

// Whether a write addresses the entity by primary key (else by its endpoint key).
bool by_primary_key(const schema::Schema& s, const std::string& key) {
  return !s.endpoint_key || is_valid_uuid(key);
}

Value primary_key_of(const schema::Schema& s, const std::string& key) {
  return Value::object({{s.primary_key.empty() ? "id" : s.primary_key.front(), key}});
}

// The primary key part of a row: what page_for and foreign references take.
Value pk_of_row(const schema::Schema& s, const Value& row) {
  Value pk = Value::object();
  for (const auto& f : s.primary_key) {
    if (const Value* v = row.find(f)) pk.as_object().set(f, *v);
  }
  return pk;
}

int print(std::ostream& out, const Value& v) {
  out << json::encode_pretty(v) << "\n";
  return 0;
}

}  // namespace

std::string_view version_string() { return "kongdb 0.1.0 (Kong 3.9 datastore compatible)"; }

int run_version(std::ostream& out) {
  out << version_string() << "\n";
  return 0;
}

int run_validate(const Config& config, const std::string& entity, const std::string& json_body,
                 std::ostream& out) {
  auto registry = app::configured_registry(config);
  if (!registry) return fail_message(out, registry.error());
  const schema::Schema* s = registry->registry->get(entity);
  if (!s) return fail_message(out, "No entity named '" + entity + "'");
  auto input = json::parse(json_body);
  if (!input) return fail_message(out, "Cannot parse JSON body: " + input.error());
  auto result = schema::prepare_insert(*s, std::move(*input));
  if (!result) return fail(out, result.error());
  out << json::encode_pretty(*result) << "\n";
  return 0;
}

int run_schema(const Config& config, const std::string& entity, const std::string& plugin,
               std::ostream& out) {
  auto registry = app::configured_registry(config);
  if (!registry) return fail_message(out, registry.error());
  const schema::Schema* s = registry->registry->get(entity);
  if (!s) return fail_message(out, "No entity named '" + entity + "'");
  if (!plugin.empty()) {
    auto it = s->subschemas.find(plugin);
    if (it == s->subschemas.end()) return fail_message(out, "No plugin named '" + plugin + "'");
    s = it->second.get();
  }
  out << json::encode_pretty(schema::schema_to_value(*s)) << "\n";
  return 0;
}

std::optional<Config> load_config(const std::string& path, std::ostream& err) {
  auto conf = Config::load(path);
  if (!conf) {
    err << "Error: " << conf.error() << "\n";
    return std::nullopt;
  }
  return std::move(*conf);
}

int run_migrations(const Config& config, const MigrationsRequest& req, std::istream& in,
                   std::ostream& out, std::ostream& err) {
  NullBuffer null_buffer;
  std::ostream null_stream(&null_buffer);
  std::ostream& log = req.quiet ? null_stream : out;
  auto fail_with = [&](const std::string& message) {
    err << "Error: " << message << "\n";
    return 1;
  };

  if (req.command == "reset" && !req.yes && !req.stdin_is_tty) {
    return fail_with("Are you sure? This operation is irreversible. stdin is not a tty: "
                     "use -y (--yes) to run 'kongdb migrations reset' non-interactively");
  }
  // Only bootstrap may create the database; the rest inspect what exists.
  auto registry = app::configured_registry(config);
  if (!registry) return fail_with(registry.error());
  auto opened = app::open_connector(config, {.no_create = req.command != "bootstrap"});
  if (!opened) return fail_with(opened.error());
  migrations::Runner runner(*opened->connector, *registry->registry, registry->catalogue,
                            {.db_label = opened->label});

  if (req.command == "bootstrap") {
    auto ok = runner.bootstrap(log);
    return ok ? 0 : fail_with(ok.error());
  }
  if (req.command == "up") {
    auto ok = runner.up(log);
    return ok ? 0 : fail_with(ok.error());
  }
  if (req.command == "finish") {
    auto ok = runner.finish(log);
    return ok ? 0 : fail_with(ok.error());
  }
  if (req.command == "list") {
    auto report = runner.list();
    if (!report) return fail_with(report.error());
    log << report->text;
    return report->exit_code;
  }
  if (req.command == "status") {
    auto st = runner.state();
    if (!st) return fail_with(st.error());
    out << json::encode_pretty(st->to_value()) << "\n";
    return 0;
  }
  if (req.command == "reset") {
    if (!req.yes) {
      auto st = runner.state();
      if (!st) return fail_with(st.error());
      if (!st->needs_bootstrap) {
        // Kong's confirm_prompt: three tries at a y/n answer.
        std::optional<bool> answer;
        for (int tries = 0; tries < 3 && !answer; ++tries) {
          out << "> Are you sure? This operation is irreversible. [y/n] " << std::flush;
          std::string line;
          if (!std::getline(in, line)) break;
          if (line == "y" || line == "Y" || line == "yes" || line == "YES") answer = true;
          if (line == "n" || line == "N" || line == "no" || line == "NO") answer = false;
        }
        if (!answer.value_or(false)) {
          log << "cancelled\n";
          return 0;
        }
      }
    }
    auto ok = runner.reset(log);
    if (!ok) return fail_with(ok.error());
    return *ok ? 0 : 1;
  }
  return fail_with("unknown migrations command '" + req.command + "'");
}

int run_db(const Config& config, const DbRequest& req, std::ostream& out, std::ostream& err) {
  auto registry = app::configured_registry(config);
  if (!registry) return fail_message(out, registry.error());
  // Refuse an unknown entity before touching (or creating) the database file.
  if (!registry->registry->get(req.entity)) return fail_message(out, "No entity named '" + req.entity + "'");
  auto db = app::open_db(config, *registry, err);
  if (!db) return fail_message(out, db.error());
  return run_db_on(**db, req, out);
}

int run_db_on(dao::DB& db, const DbRequest& req, std::ostream& out) {
  dao::DAO* dao = db.dao(req.entity);
  if (!dao) return fail_message(out, "No entity named '" + req.entity + "'");
  const schema::Schema& s = dao->schema();
  // Like the Admin API, show every field, null ones included.
  const Value options = Value::object({{"nulls", true}});

  auto want_args = [&](size_t n, const char* usage) -> bool {
    if (req.args.size() == n) return true;
    fail_message(out, std::string("usage: kongdb db ") + req.entity + " " + req.verb + " " + usage);
    return false;
  };
  auto body_arg = [&](const std::string& text) -> std::optional<Value> {
    auto body = json::parse(text);
    if (!body) {
      fail_message(out, "Cannot parse JSON body: " + body.error());
      return std::nullopt;
    }
    if (!body->is_object()) {
      fail_message(out, "The JSON body must be an object");
      return std::nullopt;
    }
    return std::move(*body);
  };
  auto entity_result = [&](const Result<Value>& r) {
    if (!r) return fail(out, r.error());
    return print(out, *r);
  };

  if (req.verb == "insert") {
    if (!want_args(1, "'JSON'")) return 1;
    auto body = body_arg(req.args[0]);
    if (!body) return 1;
    return entity_result(dao->insert(*body, options));
  }
  if (req.verb == "get") {
    if (!want_args(1, "KEY")) return 1;
    auto row = resolve(*dao, req.args[0], options);
    if (!row) return fail(out, row.error());
    if (!*row) return fail_message(out, "Not found");
    return print(out, **row);
  }
  if (req.verb == "update" || req.verb == "upsert") {
    if (!want_args(2, "KEY 'JSON'")) return 1;
    const std::string& key = req.args[0];
    auto body = body_arg(req.args[1]);
    if (!body) return 1;
    bool update = req.verb == "update";
    if (by_primary_key(s, key)) {
      Value pk = primary_key_of(s, key);
      return entity_result(update ? dao->update(pk, *body, options) : dao->upsert(pk, *body, options));
    }
    return entity_result(update ? dao->update_by(*s.endpoint_key, key, *body, options)
                                : dao->upsert_by(*s.endpoint_key, key, *body, options));
  }
  if (req.verb == "delete") {
    if (!want_args(1, "KEY")) return 1;
    const std::string& key = req.args[0];
    Result<bool> r = by_primary_key(s, key) ? dao->remove(primary_key_of(s, key))
                                            : dao->remove_by(*s.endpoint_key, key);
    if (!r) return fail(out, r.error());
    return 0;  // Kong's 204: nothing to show, whether or not it existed
  }
  if (req.verb == "list") {
    if (!want_args(0, "[--size N] [--offset O] [--tags a,b --tags-cond and|or] [--for FIELD=KEY]")) return 1;
    std::optional<int64_t> size;
    if (req.size) {
      auto n = parse_size(*req.size);
      if (!n) return fail(out, n.error());
      size = *n;
    }
    Value list_options = options;
    if (!req.tags.empty()) {
      Array tags;
      for (const auto& t : req.tags) {
        size_t start = 0;
        while (start <= t.size()) {
          size_t comma = t.find(',', start);
          if (comma == std::string::npos) comma = t.size();
          tags.emplace_back(t.substr(start, comma - start));
          start = comma + 1;
        }
      }
      list_options.as_object().set("tags", Value(std::move(tags)));
    }
    if (req.tags_cond) list_options.as_object().set("tags_cond", *req.tags_cond);

    Result<dao::Page> page = dao::Page{};
    if (req.for_fk) {
      size_t eq = req.for_fk->find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == req.for_fk->size()) {
        return fail_message(out, "--for expects FIELD=KEY, e.g. --for service=mockbin");
      }
      std::string field = req.for_fk->substr(0, eq);
      std::string parent_key = req.for_fk->substr(eq + 1);
      const schema::Field* f = s.field(field);
      if (!f || f->type() != schema::FieldType::Foreign || !f->foreign_schema_) {
        return fail_message(out, "'" + field + "' is not a foreign key of '" + req.entity + "'");
      }
      dao::DAO* parent_dao = db.dao(f->foreign_schema_->name);
      if (!parent_dao) return fail_message(out, "No entity named '" + f->foreign_schema_->name + "'");
      auto parent = resolve(*parent_dao, parent_key, Value());
      if (!parent) return fail(out, parent.error());
      if (!*parent) return fail_message(out, "Not found");
      page = dao->page_for(field, pk_of_row(parent_dao->schema(), **parent), size, req.offset,
                           list_options);
    } else {
      page = dao->page(size, req.offset, list_options);
    }
    if (!page) return fail(out, page.error());
    Array rows(page->rows.begin(), page->rows.end());
    Value result = Value::object({{"data", Value(std::move(rows))}});
    if (page->offset) result.as_object().set("offset", *page->offset);
    return print(out, result);
  }
  return fail_message(out, "Unknown verb '" + req.verb + "': use insert, get, list, update, upsert or delete");
}

}  // namespace kongdb::cli
